#!/usr/bin/env node
import { runCli } from './cli.js';

// The process ends when nothing is pending: a failed sync aborts every request still in flight,
// and stdout drains before Node exits, so no output is cut short.
process.exitCode = await runCli(process.argv);
