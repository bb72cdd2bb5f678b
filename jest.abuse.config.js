// The abuse suite (`npm run test:abuse`, *.abuse-spec.ts): floods against api processes on the
// local cloud, with numbers printed against each bound: stalled uploads and a greedy user (the
// api's memory, an innocent user's latency), one user and one bad-token address against two
// processes sharing their limits (about 1-2 minutes), so it stays out of `npm test`.
// Same settings as the e2e project (transform, aliases, the local cloud's global setup).
const { projects } = require('./jest.config');

const e2e = projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'abuse',
  testMatch: ['<rootDir>/{apps,libs}/**/*.abuse-spec.ts'],
};
