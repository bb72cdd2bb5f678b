import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pinnedNode } from '../../tools/node/pinned-node';

/**
 * Builds the bundles a deployment ships (`npm run bundle:lambda`: tsc into dist/lambda-build +
 * esbuild + the code caches, ~50 s; dist/apps is left alone) and returns the pinned Node they
 * run on (the one their caches were recorded by), for `LAMBDA_NODE`.
 */
export async function buildLambdaBundles(): Promise<string> {
  execFileSync('npm', ['run', '-s', 'bundle:lambda'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
  return pinnedNode();
}
