import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import localCloudSetup from '../global-setup';

/**
 * The Lambda suites test the bundles a deployment ships, so they are built first
 * (`npm run bundle:lambda`: tsc into dist/lambda-build + esbuild, ~40 s; dist/apps is left alone), then the usual local cloud starts.
 */
export default async function globalSetup(): Promise<void> {
  execFileSync('npm', ['run', '-s', 'bundle:lambda'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
  await localCloudSetup();
}
