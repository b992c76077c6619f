#!/usr/bin/env node
import { runCli } from './cli.js';

const exitCode = await runCli(process.argv);
// Exit once stdout has taken every byte: after a failure, other windows' requests may still be
// retrying in the background, and they must not hold the process open, nor cut the output short.
process.stdout.write('', () => process.exit(exitCode));
