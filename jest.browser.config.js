// The browser suite (`npm run test:browser`, *.browser-spec.ts): the upload page in Debian's
// Chromium driven by playwright-core, against the real api, a worker and the local cloud
// (the e2e global setup). A missing Chromium is installed (apt-get, as root), or the suite is
// skipped with a printed reason; under CI=true it fails instead (tools/browser/chromium.ts).
const { projects } = require('./jest.config');

const e2e = projects.find((project) => project.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'browser',
  testMatch: ['<rootDir>/apps/**/*.browser-spec.ts'],
};
