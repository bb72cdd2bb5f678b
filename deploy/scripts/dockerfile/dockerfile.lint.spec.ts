import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/repo-artifacts';
import { lintDockerfile } from './dockerfile.lint';

const GOOD = `FROM node:24-slim AS build
WORKDIR /app
RUN npm ci
FROM node:24-slim
COPY --from=build /app ./
HEALTHCHECK --interval=30s --start-period=30s CMD ["node", "-e", "0"]
CMD ["node", "main.js"]
`;

describe('lintDockerfile', () => {
  it('passes a valid Dockerfile, and the project Dockerfile', () => {
    expect(lintDockerfile(GOOD)).toEqual([]);
    expect(lintDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'))).toEqual([]);
  });

  it.each([
    ['an unknown instruction', GOOD.replace('RUN npm ci', 'RUNN npm ci'), /line 3: .*RUNN/i],
    ['a bad duration', GOOD.replace('--start-period=30s', '--start-period=30x'), /line 6: .*unit/i],
    ['a relative WORKDIR', GOOD.replace('WORKDIR /app', 'WORKDIR app'), /line 2: .*absolute/i],
    ['lower-case instructions', GOOD.replace('RUN npm ci', 'run npm ci'), /line 3: .*upper/i],
    ['two CMDs in a stage', `${GOOD}CMD ["node", "other.js"]\n`, /CMD/],
  ])('reports %s with its line', (_label, text, expected) => {
    expect(lintDockerfile(text).join('\n')).toMatch(expected);
  });
});
