import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { API_LAZY_PACKAGES, COMMON_BUILD_OPTIONS, LAZY_CHUNKS, lazyChunkFile, neverLoadedBy, ZOD_LOCALES_CHUNK } from './bundle.options';
import type { LambdaFunctionName } from './lambda-functions';
import { REPO_ROOT } from '../local-cloud/local-cloud.options';

/**
 * Bundles each lazy chunk (see LAZY_CHUNKS) into `<bundle dir>/lazy/`, where the function's
 * bundle requires it from. A chunk carries its own copy of what it shares with the bundle;
 * the credential providers hand back plain objects, so two copies do not meet.
 */
export async function buildLazyChunks(fn: LambdaFunctionName, bundleFile: string): Promise<void> {
  const chunks = [
    ...LAZY_CHUNKS.map((name) => ({ name, module: name })),
    ZOD_LOCALES_CHUNK,
    ...(fn === 'api' ? API_LAZY_PACKAGES.map(({ name }) => ({ name, module: name })) : []),
  ];
  for (const { name, module } of chunks) {
    await build({
      ...COMMON_BUILD_OPTIONS,
      stdin: { contents: `module.exports = require(${JSON.stringify(module)});`, resolveDir: REPO_ROOT, loader: 'js' },
      outfile: join(dirname(bundleFile), lazyChunkFile(name)),
      external: neverLoadedBy(fn),
    });
  }
}
