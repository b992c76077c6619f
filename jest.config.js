/** Tests are TypeScript ES modules; ts-jest transpiles them (type-checking is `npm run typecheck`). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // The shared vocabulary is tested from its source, so tests need no build.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^rootly-vocabulary$': '<rootDir>/rootly-vocabulary/src/index.ts' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json', diagnostics: false }],
  },
  testMatch: [
    '<rootDir>/src/**/*.test.ts',
    '<rootDir>/mock-rootly/src/**/*.test.ts',
    '<rootDir>/rootly-vocabulary/src/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/container/'],
  // A mutation run's sandbox is a second copy of the project: its packages would clash by name.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  testTimeout: 60000,
};
