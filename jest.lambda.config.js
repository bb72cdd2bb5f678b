// The Lambda suites (`npm run test:lambda`, *.lambda-spec.ts): the bundled handlers
// (dist/lambda/, built by the global setup) invoked in fresh processes with synthetic API
// Gateway events and with Kinesis events made of records read from the local stream.
const { projects } = require('./jest.config');

const e2e = projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'lambda',
  testMatch: ['<rootDir>/{apps,libs}/**/*.lambda-spec.ts'],
  globalSetup: '<rootDir>/test-kit/lambda/global-setup.ts',
};
