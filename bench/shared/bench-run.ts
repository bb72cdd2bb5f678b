import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

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

/**
 * Writes a run's results as `<out>/<name>.json` (the data) and `<out>/<name>.md` (the report),
 * prints the report and where both went (and the logs, when given), and makes a run with
 * problems exit 1, so a broken run never passes for a measurement.
 */
export function writeBenchResults(spec: { out: string; name: string; results: unknown; markdown: string; problems: readonly string[]; logDir?: string }): void {
  mkdirSync(spec.out, { recursive: true });
  writeFileSync(join(spec.out, `${spec.name}.json`), `${JSON.stringify(spec.results, null, 2)}\n`);
  writeFileSync(join(spec.out, `${spec.name}.md`), spec.markdown);
  const logs = spec.logDir === undefined ? '' : `; logs in ${spec.logDir}`;
  console.log(`\n${spec.markdown}\nwritten to ${relative(process.cwd(), spec.out) || '.'}/${spec.name}.{json,md}${logs}`);
  if (spec.problems.length > 0) process.exitCode = 1;
}

/** After a failed run: the tail of each `<logDir>/<name>.log` that has one, to explain it. */
export function printLogTails(logDir: string, names: readonly string[]): void {
  for (const name of names) {
    const log = logTail(join(logDir, `${name}.log`));
    if (log) console.error(`--- ${name} log (tail) ---\n${log}`);
  }
}
