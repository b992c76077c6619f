import base from './jest.config.js';

/**
 * The project's own Connector Acceptance Test runner: builds the image and runs every test that
 * acceptance-test-config.yml lists against it through testcontainers (`npm run test:acceptance`).
 */
export default {
  ...base,
  // testcontainers reads these when it first talks to the engine (see test/container/setup-env.ts).
  setupFiles: ['<rootDir>/test/container/setup-env.ts'],
  testMatch: ['<rootDir>/test/container/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 300000,
  maxWorkers: 1,
  verbose: true,
};
