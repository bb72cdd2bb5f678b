import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../tools/lambda/bundle.options';
import { REPO_ROOT } from '../../tools/local-cloud/local-cloud.options';

/** Where the baseline's bundle goes. */
export const BARE_EXPRESS_BUNDLE = join(REPO_ROOT, 'dist', 'lambda-bench', 'bare-express', 'index.js');

/**
 * Bundles bare-express.handler.ts with the functions' esbuild settings (minified, Node 20,
 * CommonJS, names kept, source map) — only the entry point and the output differ.
 */
export async function bundleBareExpress(): Promise<void> {
  const { target, format, minify, keepNames, sourcemap, platform, legalComments } = bundleOptions('api', 'unoptimised');
  await build({
    entryPoints: [join(__dirname, 'bare-express.handler.ts')],
    outfile: BARE_EXPRESS_BUNDLE,
    bundle: true,
    target,
    format,
    minify,
    keepNames,
    sourcemap,
    platform,
    legalComments,
    logLevel: 'warning',
  });
}
