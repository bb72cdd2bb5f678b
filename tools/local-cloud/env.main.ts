// `npm run -s local-cloud:env`: the environment the apps get from the running local cloud, as
// `export NAME='value'` lines, so a Nest command runs against it directly:
//   eval "$(npm run -s local-cloud:env)" && npx nest start api --watch
import { localAppEnvironment } from './local-app.environment';
import { localCloudDir } from './local-cloud.options';
import { outputsPath, readOutputs } from './local-cloud.outputs';

/** One POSIX shell `export`, the value single-quoted (a quote inside closes, escapes and reopens). */
export function shellExport(name: string, value: string): string {
  return `export ${name}='${value.replace(/'/g, `'\\''`)}'`;
}

function main(): number {
  const dir = localCloudDir();
  const outputs = readOutputs(dir);
  if (!outputs) {
    console.error(`No local cloud in ${dir} (${outputsPath(dir)} is missing): start it with npm run local-cloud`);
    return 1;
  }
  const env = { ...localAppEnvironment(outputs), LOG_FORMAT: 'pretty', METRICS_ENABLED: 'false' };
  process.stdout.write(`${Object.entries(env).map(([name, value]) => shellExport(name, value)).join('\n')}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main();
