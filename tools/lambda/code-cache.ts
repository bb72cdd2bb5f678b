import { copyFileSync, cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A copy of a function's bundle folder made to run with a V8 code cache: the bundle becomes
 * bundle.js behind code-cache-loader.js (index.js). The cache (bundle.cache) is recorded by
 * running the function once with LAMBDA_CODE_CACHE_RECORD=1 (bench/lambda does it against
 * the local cloud). Not what deploy/ ships: a cache only helps on the Node that recorded it.
 */
export function prepareCodeCacheBundle(bundleFile: string, outDir: string): string {
  rmSync(outDir, { recursive: true, force: true });
  cpSync(dirname(bundleFile), outDir, { recursive: true });
  rmSync(join(outDir, 'index.js'));
  copyFileSync(bundleFile, join(outDir, 'bundle.js'));
  if (existsSync(`${bundleFile}.map`)) rmSync(join(outDir, 'index.js.map'));
  copyFileSync(join(__dirname, 'code-cache-loader.js'), join(outDir, 'index.js'));
  return join(outDir, 'index.js');
}
