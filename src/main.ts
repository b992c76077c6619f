#!/usr/bin/env node
import { runCli } from './cli.js';

// Exit as soon as everything is written: after a failure, other windows' requests may still be
// retrying in the background, and they must not hold the process open.
process.exit(await runCli(process.argv));
