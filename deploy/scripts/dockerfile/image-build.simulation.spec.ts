import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile } from './dockerfile.parser';
import { simulateImageBuild } from './image-build.simulation';

describe('simulateImageBuild', () => {
  let work: string;
  let context: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'simulation-spec-'));
    context = join(work, 'context');
    mkdirSync(join(context, 'src'), { recursive: true });
    writeFileSync(join(context, 'package.json'), '{}');
    writeFileSync(join(context, 'src', 'a.txt'), 'a');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('runs RUN lines in the WORKDIR with the stage ENV and copies between stages as Docker does', () => {
    const stages = parseDockerfile(`
FROM node:22 AS build
WORKDIR /app
ENV GREETING=hello
COPY package.json ./
COPY . .
RUN mkdir out && echo "$GREETING" > out/greeting.txt && test -f src/a.txt
FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /srv
COPY --from=build /app/out ./out
USER node
HEALTHCHECK --interval=30s CMD ["node", "-e", "1"]
CMD ["node", "main.js"]
`);
    const image = simulateImageBuild(stages, context, join(work, 'stages'), () => undefined);
    expect(readFileSync(join(image.workdir, 'out', 'greeting.txt'), 'utf8')).toBe('hello\n');
    // Only what the final stage copied is in it.
    expect(existsSync(join(image.workdir, 'src'))).toBe(false);
    expect(image).toMatchObject({
      env: { NODE_ENV: 'production' },
      user: 'node',
      cmd: ['node', 'main.js'],
      healthcheck: { flags: { interval: '30s' }, command: ['node', '-e', '1'] },
    });
  });

  it('fails on a failing RUN, naming its line', () => {
    const stages = parseDockerfile('FROM node:22\nWORKDIR /app\nRUN exit 3');
    expect(() => simulateImageBuild(stages, context, join(work, 'stages'), () => undefined)).toThrow('Dockerfile line 3: RUN exit 3 exited with 3');
  });

  it('refuses instructions it cannot simulate instead of skipping them', () => {
    const stages = parseDockerfile('FROM node:22\nENTRYPOINT ["node"]');
    expect(() => simulateImageBuild(stages, context, join(work, 'stages'), () => undefined)).toThrow('does not know how to run ENTRYPOINT');
  });

  it('refuses COPY --from a stage that does not exist', () => {
    const stages = parseDockerfile('FROM node:22\nCOPY --from=nowhere /app ./app');
    expect(() => simulateImageBuild(stages, context, join(work, 'stages'), () => undefined)).toThrow('no such earlier stage');
  });
});
