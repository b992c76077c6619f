#!/usr/bin/env -S node --min-semi-space-size=4 --max-semi-space-size=4 --heap-growing-percent=10 --single-threaded
// The Node flags above are the image's (see the Dockerfile's ENTRYPOINT): a fixed young generation
// and slow heap growth keep memory flat however many records a sync moves, and one thread for V8
// spends less CPU per record, when this file runs as the npm bin or as `dist/main.js` from source, too.
import { runCli } from './cli.js';

// The process ends when nothing is pending: a failed sync aborts every request still in flight,
// and stdout drains before Node exits, so no output is cut short.
process.exitCode = await runCli(process.argv);
