// The abuse suite (`npm run test:abuse`, *.abuse-spec.ts): the api as a process under many
// stalled uploads and a greedy user, measuring its memory and an innocent user's latency
// (about 1-2 minutes), so it stays out of `npm test`. Same settings as the e2e project.
const { projects } = require('./jest.config');

const e2e = projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'abuse',
  testMatch: ['<rootDir>/apps/**/*.abuse-spec.ts'],
};
