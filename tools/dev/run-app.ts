// `tsx tools/dev/run-app.ts api|worker`: runs a compiled app (the same `main.js` a container
// runs) in this process, with the local cloud's configuration under the user's environment.
// `npm start` runs the apps through this too, so each part alone behaves the same.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { localAppEnvironment } from '../local-cloud/local-app.environment';
import { localCloudDir, REPO_ROOT } from '../local-cloud/local-cloud.options';
import { outputsPath, readOutputs } from '../local-cloud/local-cloud.outputs';
import { mergeAppEnvironment } from './app-environment';
import { exitWithParent } from './exit-with-parent';

const APPS = ['api', 'worker'] as const;

/** Where `nest build` (tsc builder) puts an app's entry point. */
function appEntryPoint(app: string): string {
  return resolve(REPO_ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
}

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

function main(): void {
  const app = process.argv[2];
  if (!APPS.includes(app as (typeof APPS)[number])) fail('usage: tsx tools/dev/run-app.ts api|worker', 2);
  const dir = localCloudDir();
  const outputs = readOutputs(dir);
  if (!outputs) {
    fail(`No local cloud configuration at ${outputsPath(dir)}: start the local cloud first (npm run local-cloud)`);
  }
  const entry = appEntryPoint(app);
  if (!existsSync(entry)) fail(`${relative(REPO_ROOT, entry)} is missing: run npm run build`);

  const { env, overridden } = mergeAppEnvironment(localAppEnvironment(outputs), process.env);
  if (overridden.length > 0) {
    console.error(`[run-app] your environment overrides the local cloud's ${overridden.join(', ')}`);
  }
  Object.assign(process.env, env);
  exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
  require(entry);
}

main();
