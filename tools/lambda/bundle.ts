// `npm run bundle:lambda [-- --unoptimised] [--weights]`: one minified esbuild bundle per
// Lambda function, with a source map, from the apps compiled by tsc into dist/lambda-build/
// (esbuild alone would drop the decorator metadata Nest's dependency injection reads; `nest
// build` is not used, so dist/apps stays untouched). Output: dist/lambda/<function>/index.js,
// ready for deploy/; `--unoptimised` builds the plain reference bundles into
// dist/lambda-unoptimised/ instead (bench/lambda compares both). `--weights` prints what
// weighs most in each bundle; the esbuild metafiles are kept in dist/lambda-meta/.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { REPO_ROOT } from '../local-cloud/local-cloud.options';
import { bundleOptions, OPTIMISATIONS, type Optimisation } from './bundle.options';
import { weightByPackage } from './bundle-weight';
import { compileApps } from './compile-apps';
import { buildLazyChunks } from './lazy-chunks';
import { buildStaticDocs } from './static-docs';
import { LAMBDA_FUNCTION_NAMES, type BundleVariant, type LambdaFunctionName } from './lambda-functions';

export interface BuiltBundle {
  fn: LambdaFunctionName;
  variant: BundleVariant;
  file: string;
  bytes: number;
}

/**
 * One function's bundle with the given optimisations (all for `optimised`, none for
 * `unoptimised`) into `outfile`'s folder, emptied first, with the lazy chunks and docs files
 * the optimisations need. The esbuild metafile goes to dist/lambda-meta/<metaName>.json.
 */
export async function bundleFunction(
  fn: LambdaFunctionName,
  variant: BundleVariant,
  enabled: ReadonlySet<Optimisation>,
  outfile: string,
  metaName: string,
): Promise<{ bytes: number; metafile: Metafile | undefined }> {
  const buildOptions = bundleOptions(fn, variant, enabled, outfile);
  // From scratch: deploy/ ships the whole folder, so nothing stale may stay in it.
  rmSync(dirname(outfile), { recursive: true, force: true });
  mkdirSync(dirname(outfile), { recursive: true });
  const { metafile } = await build(buildOptions);
  if (enabled.size > 0) await buildLazyChunks(fn, outfile);
  if (fn === 'api' && enabled.has('swagger-stub')) await buildStaticDocs(outfile);
  // Outside the function's folder: not part of what is deployed.
  const metaDir = join(REPO_ROOT, 'dist', 'lambda-meta');
  mkdirSync(metaDir, { recursive: true });
  writeFileSync(join(metaDir, `${metaName}.json`), JSON.stringify(metafile));
  return { bytes: statSync(outfile).size, metafile };
}

/** Bundles the already compiled apps (see compileApps) as `variant`. */
export async function bundleFunctions(variant: BundleVariant, options: { weights?: boolean } = {}): Promise<BuiltBundle[]> {
  const built: BuiltBundle[] = [];
  for (const fn of LAMBDA_FUNCTION_NAMES) {
    const buildOptions = bundleOptions(fn, variant);
    const enabled = new Set<Optimisation>(variant === 'optimised' ? OPTIMISATIONS : []);
    const { bytes, metafile } = await bundleFunction(fn, variant, enabled, buildOptions.outfile, `${fn}-${variant}`);
    built.push({ fn, variant, file: buildOptions.outfile, bytes });
    console.log(`${relative(REPO_ROOT, buildOptions.outfile)}  ${(bytes / 2 ** 20).toFixed(2)} MiB (+ .map)`);
    if (options.weights && metafile) {
      for (const { name, bytes: b } of weightByPackage(metafile).slice(0, 25)) console.log(`  ${(b / 1024).toFixed(0).padStart(6)} KiB  ${name}`);
    }
  }
  return built;
}

/** Compiles both apps and bundles them as each of `variants`. */
export async function buildLambdaBundles(variants: readonly BundleVariant[], options: { weights?: boolean } = {}): Promise<BuiltBundle[]> {
  await compileApps(LAMBDA_FUNCTION_NAMES);
  const built: BuiltBundle[] = [];
  for (const variant of variants) built.push(...(await bundleFunctions(variant, options)));
  return built;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  buildLambdaBundles([args.includes('--unoptimised') ? 'unoptimised' : 'optimised'], { weights: args.includes('--weights') }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
