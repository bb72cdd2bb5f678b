import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pinnedNode } from '../../tools/node/pinned-node';
import localCloudSetup from '../global-setup';

/**
 * The Lambda suites test the bundles a deployment ships, so they are built first
 * (`npm run bundle:lambda`: tsc into dist/lambda-build + esbuild + the code caches, ~50 s;
 * dist/apps is left alone), then the usual local cloud starts. The bundles run on the pinned
 * Node (LAMBDA_NODE, read by invokeBundle), the one their caches were recorded by.
 */
export default async function globalSetup(): Promise<void> {
  execFileSync('npm', ['run', '-s', 'bundle:lambda'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
  process.env.LAMBDA_NODE = await pinnedNode();
  await localCloudSetup();
}
