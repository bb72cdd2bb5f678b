import { readFileSync } from 'node:fs';

/**
 * How this benchmark was started, for its results file: the npm script when run through one,
 * else the tsx command line for `script` (e.g. `bench/upload/main.ts`).
 */
export function commandLine(script: string): string {
  const args = process.argv.slice(2).join(' ');
  const npmScript = process.env.npm_lifecycle_event;
  if (npmScript && npmScript !== 'npx') return `npm run ${npmScript}${args ? ` -- ${args}` : ''}`;
  return `tsx ${script}${args ? ` ${args}` : ''}`;
}

/** The last 20 lines of a server's log, to explain why it failed ('' when there is none). */
export function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n').trim();
  } catch {
    return '';
  }
}
