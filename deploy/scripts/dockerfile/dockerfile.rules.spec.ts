import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/repo-artifacts';
import { parseDockerfile } from './dockerfile.parser';
import { checkImage, checkStructure } from './dockerfile.rules';
import type { SimulatedImage } from './image-build.simulation';

const GOOD = `
FROM node:24.1.0-slim AS build
WORKDIR /app
RUN npm ci
RUN npm run build
RUN npm prune --omit=dev
FROM node:24.1.0
COPY --from=build /app ./
`;
const check = (dockerfile: string) => checkStructure(parseDockerfile(dockerfile), '24.1.0');

describe('checkStructure', () => {
  it('accepts the repository Dockerfile, on the Node of .node-version', () => {
    const pinned = readFileSync(join(REPO_ROOT, '.node-version'), 'utf8').trim();
    expect(checkStructure(parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')))).toBe(pinned);
  });

  it('returns the Node version every stage runs', () => {
    expect(check(GOOD)).toBe('24.1.0');
  });

  it.each([
    ['a single stage', 'FROM node:24.1.0-slim\nRUN npm ci && npm run build && npm prune --omit=dev', 'multi-stage'],
    ['another Node', GOOD.replace('FROM node:24.1.0\nCOPY', 'FROM node:22-slim\nCOPY'), 'every stage must run Node 24.1.0 (.node-version), not node:22-slim'],
    ['a floating tag of the same line', GOOD.replace('FROM node:24.1.0-slim AS', 'FROM node:24-slim AS'), 'not node:24-slim'],
    ['another patch release', GOOD.replace('FROM node:24.1.0-slim AS', 'FROM node:24.1.01-slim AS'), 'not node:24.1.01-slim'],
    ['no prune', GOOD.replace('RUN npm prune --omit=dev\n', ''), 'npm prune --omit=dev'],
    ['npm install instead of npm ci', GOOD.replace('npm ci', 'npm install'), 'npm ci'],
    ['a RUN in the runtime stage', `${GOOD}RUN npm ci\n`, 'the runtime stage must not RUN'],
  ])('rejects %s', (_label, dockerfile, message) => {
    expect(() => check(dockerfile)).toThrow(message);
  });
});

describe('checkImage', () => {
  // The workdir does not exist: the entry-point check fails last, after the settings checks.
  const image = (overrides: Partial<SimulatedImage>): SimulatedImage => ({
    root: '/nonexistent',
    workdir: '/nonexistent/app',
    env: { NODE_ENV: 'production' },
    user: 'node',
    cmd: ['node', '--max-semi-space-size=2', 'dist/apps/api/apps/api/src/main.js'],
    healthcheck: {
      flags: {},
      command: ['node', '-e', "fetch('http://127.0.0.1:'+(process.env.HEALTHCHECK_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"],
    },
    exposed: [],
    runLines: [],
    ...overrides,
  });

  it.each([
    ['root', { user: undefined }, 'non-root USER'],
    ['USER 0', { user: '0:0' }, 'non-root USER'],
    ['no NODE_ENV', { env: {} }, 'NODE_ENV=production'],
    ['the worker as CMD', { cmd: ['node', 'dist/apps/worker/apps/worker/src/main.js'] }, "CMD must be the api's command"],
    ['no HEALTHCHECK', { healthcheck: undefined }, 'needs a HEALTHCHECK'],
    ['another probe', { healthcheck: { flags: {}, command: ['curl', '-f', 'http://localhost:3000/health'] } }, 'HEALTHCHECK must run'],
  ])('rejects %s', (_label, overrides, message) => {
    expect(() => checkImage(image(overrides))).toThrow(message);
  });

  it('rejects an image without the compiled apps', () => {
    expect(() => checkImage(image({}))).toThrow('the image lacks dist/apps/api/apps/api/src/main.js');
  });
});
