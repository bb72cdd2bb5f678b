import { commandWords, envPairs, parseDockerfile, splitFlags } from './dockerfile.parser';

describe('parseDockerfile', () => {
  it('splits stages, drops comments and joins continuation lines', () => {
    const stages = parseDockerfile(
      ['# comment', 'FROM node:22 AS build', 'WORKDIR /app', 'RUN npm ci \\', '  --ignore-scripts', '', 'FROM node:22-slim', 'CMD ["node", "x.js"]'].join('\n'),
    );
    expect(stages).toEqual([
      {
        image: 'node:22',
        name: 'build',
        instructions: [
          { keyword: 'WORKDIR', args: '/app', line: 3 },
          { keyword: 'RUN', args: 'npm ci --ignore-scripts', line: 4 },
        ],
      },
      { image: 'node:22-slim', name: undefined, instructions: [{ keyword: 'CMD', args: '["node", "x.js"]', line: 8 }] },
    ]);
  });

  it('refuses an instruction before the first FROM', () => {
    expect(() => parseDockerfile('RUN echo hi\nFROM node:22')).toThrow('line 1: RUN before the first FROM');
  });
});

describe('command helpers', () => {
  it('reads the exec form as words and wraps the shell form in sh -c', () => {
    expect(commandWords('["node", "-e", "1"]')).toEqual(['node', '-e', '1']);
    expect(commandWords('npm run build')).toEqual(['/bin/sh', '-c', 'npm run build']);
  });

  it('splits leading flags and reads ENV pairs', () => {
    expect(splitFlags('--from=build --chown=node:node /app/x ./x')).toEqual({ flags: { from: 'build', chown: 'node:node' }, rest: '/app/x ./x' });
    expect(envPairs('NODE_ENV=production A="b c"')).toEqual({ NODE_ENV: 'production', A: 'b c' });
    expect(envPairs('NODE_ENV production')).toEqual({ NODE_ENV: 'production' });
  });
});
