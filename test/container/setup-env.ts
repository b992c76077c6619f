/**
 * Jest setup file of the acceptance runner (jest.acceptance.config.js `setupFiles`).
 * No registry is reachable here: the Ryuk reaper image cannot be pulled, so it is disabled (every
 * container is removed by run-connector.ts itself), and the engine is on this machine's loopback
 * (testcontainers would otherwise pick the bridge gateway because of /.dockerenv).
 * Values already set in the environment win.
 */
process.env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
process.env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
