// Two projects: `unit` (specs next to the code, fakes allowed) and `e2e`
// (supertest against the real local cloud started by the global setup).
const swc = ['@swc/jest', require('./swc.options')];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': swc,
    // jwks-rsa 4 loads jose 6, which is ESM-only: let jest transform jose alone.
    '^.+/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  // Request lines from apps under test would bypass jest's output capture (see the file).
  setupFiles: ['<rootDir>/test-kit/quiet-logs.ts'],
  // `npm run deploy:synth` stages the Docker build context (a copy of package.json) there.
  modulePathIgnorePatterns: ['<rootDir>/deploy/cdk.out/'],
  moduleNameMapper: {
    '^@lib/(contracts|kinesis|aws|upload-status|config|group-commit|logging|metrics)$': '<rootDir>/libs/$1/src',
  },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools,test-kit,bench}/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.e2e-spec\\.ts$', '\\.int-spec\\.ts$'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs,test-kit,tools}/**/*.{e2e,int}-spec.ts'],
      globalSetup: '<rootDir>/test-kit/global-setup.ts',
      globalTeardown: '<rootDir>/test-kit/global-teardown.ts',
      // jest 30 ignores testTimeout inside a project; the e2e timeout is set by this file.
      setupFilesAfterEnv: ['<rootDir>/test-kit/e2e-timeout.ts'],
    },
  ],
};
