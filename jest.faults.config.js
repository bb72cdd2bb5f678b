// The publisher fault suite (`npm run test:faults`, *.fault-spec.ts): thousands of uploads
// through a fault-injecting Kinesis proxy, minutes long, so it stays out of `npm test`.
// Same settings as the e2e project (transform, aliases, the local cloud's global setup).
const { projects } = require('./jest.config');

const e2e = projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'faults',
  testMatch: ['<rootDir>/{apps,libs}/**/*.fault-spec.ts'],
};
