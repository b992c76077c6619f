/** The unit tests beside the correctness core, for mutation testing (no end-to-end suites, no mock server). */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/src/cursor/**/*.test.ts', '<rootDir>/src/http/**/*.test.ts', '<rootDir>/src/stream/**/*.test.ts'],
};
