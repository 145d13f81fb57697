// Jest runs in native ESM mode (NODE_OPTIONS=--experimental-vm-modules), like the code it tests.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'es6' },
  },
];
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  // '#strikes/x.js' is a package.json subpath import of dist/libs/strikes/x.js; tests run the sources.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^#([a-z-]+)/(.*)\\.js$': '<rootDir>/libs/$1/$2', '^@libs/(.*)$': '<rootDir>/libs/$1' },
  transformIgnorePatterns: ['/node_modules/'],
};
export default {
  testTimeout: 120_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    // Real services on a real Postgres schema with a fixed clock; no HTTP, no worker process (test/medium/support).
    { ...shared, displayName: 'medium', testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
