/** The unit tests beside the correctness core, for mutation testing (no end-to-end suites, no mock server tests). */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '<rootDir>/mock-rootly/', '<rootDir>/rootly-vocabulary/'],
};
