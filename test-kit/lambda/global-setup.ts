import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import localCloudSetup from '../global-setup';

/**
 * The Lambda suites test the bundles a deployment ships, so they are built first
 * (`npm run bundle:lambda`: nest build + esbuild, ~25 s), then the usual local cloud starts.
 */
export default async function globalSetup(): Promise<void> {
  execFileSync('npm', ['run', '-s', 'bundle:lambda'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
  await localCloudSetup();
}
