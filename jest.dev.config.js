// The developer loop (`npm run test:dev`, *.dev-spec.ts): `npm run start:dev` in a scratch
// copy of the repository, a source change, the api restarted with it. Minutes of tsc and a
// local cloud of its own, so it stays out of `npm test`.
const { projects } = require('./jest.config');

const unit = projects.find((project) => project.displayName === 'unit');

module.exports = {
  ...unit,
  displayName: 'dev',
  testMatch: ['<rootDir>/tools/**/*.dev-spec.ts'],
  testPathIgnorePatterns: [],
};
