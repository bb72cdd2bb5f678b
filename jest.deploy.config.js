// The deployment stacks' tests (`npm run test:deploy`, deploy/**/*.spec.ts): aws-cdk-lib
// assertions and cdk-nag over the synthesized stacks, offline. Kept out of `npm test`
// (deploy/ is its own TypeScript project, type-checked by `tsc -p deploy`).
module.exports = {
  displayName: 'deploy',
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest', require('./swc.options')] },
  testMatch: ['<rootDir>/deploy/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/deploy/cdk.out/'],
  // The staged Docker build context in cdk.out holds a copy of package.json.
  modulePathIgnorePatterns: ['<rootDir>/deploy/cdk.out/'],
  // Synthesizing three stacks takes a few seconds per app on this machine.
  testTimeout: 60_000,
};
