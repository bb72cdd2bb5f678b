// `npm run bundle:lambda [-- --unoptimised] [--weights] [--code-cache first-invocation|import|none]`:
// one minified esbuild bundle per Lambda function, with a source map, from the apps compiled
// by tsc into dist/lambda-build/ (esbuild alone would drop the decorator metadata Nest's
// dependency injection reads; `nest build` is not used, so dist/apps stays untouched).
// Output: dist/lambda/<function>/ ready for deploy/ — index.js (the code-cache loader),
// bundle.js and code-cache/, a V8 code cache recorded by the pinned Node (.node-version)
// running the function once (see tools/lambda/code-cache.ts). `--unoptimised` builds the
// plain reference bundles into dist/lambda-unoptimised/ instead (bench/lambda compares both).
// `--weights` prints what weighs most in each bundle; the esbuild metafiles are kept in
// dist/lambda-meta/.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { REPO_ROOT } from '../local-cloud/local-cloud.options';
import { bundleOptions, OPTIMISATIONS, type Optimisation } from './bundle.options';
import { weightByPackage } from './bundle-weight';
import { compileApps } from './compile-apps';
import { installCodeCacheLoader, readCodeCacheRecord, recordCodeCaches, type CodeCacheExercise } from './code-cache';
import { buildLazyChunks } from './lazy-chunks';
import { pinnedNode } from '../node/pinned-node';
import { buildStaticDocs } from './static-docs';
import { bundleDir, LAMBDA_FUNCTION_NAMES, type BundleVariant, type LambdaFunctionName } from './lambda-functions';

export interface BundleBuildOptions {
  weights?: boolean;
  /** How the shipped bundles' code cache is recorded, or `none` (the loader then runs without one). Default `first-invocation`. */
  codeCache?: CodeCacheExercise | 'none';
}

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

/** Bundles the already compiled apps (see compileApps) as `variant`; the shipped variant gets the code-cache loader and its cache. */
export async function bundleFunctions(variant: BundleVariant, options: BundleBuildOptions = {}): Promise<BuiltBundle[]> {
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
  if (variant === 'optimised') {
    const targets = LAMBDA_FUNCTION_NAMES.map((fn) => ({ fn, dir: bundleDir('optimised', fn) }));
    for (const { dir } of targets) installCodeCacheLoader(dir);
    const exercise = options.codeCache ?? 'first-invocation';
    if (exercise !== 'none') {
      const node = await pinnedNode();
      console.log(`recording the code caches (${exercise}) with ${node}…`);
      await recordCodeCaches(targets, node, exercise);
      for (const { dir } of targets) {
        const record = readCodeCacheRecord(dir);
        console.log(`${relative(REPO_ROOT, dir)}/code-cache/bundle.cache  ${(record.cacheBytes / 2 ** 20).toFixed(2)} MiB, Node ${record.node} ${record.arch}`);
      }
    }
  }
  return built;
}

/** Compiles both apps and bundles them as each of `variants`. */
export async function buildLambdaBundles(variants: readonly BundleVariant[], options: BundleBuildOptions = {}): Promise<BuiltBundle[]> {
  await compileApps(LAMBDA_FUNCTION_NAMES);
  const built: BuiltBundle[] = [];
  for (const variant of variants) built.push(...(await bundleFunctions(variant, options)));
  return built;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const codeCache = args.includes('--code-cache') ? args[args.indexOf('--code-cache') + 1] : 'first-invocation';
  if (!['first-invocation', 'import', 'none'].includes(codeCache)) {
    console.error(`--code-cache ${codeCache}: first-invocation, import or none`);
    process.exit(1);
  }
  const options = { weights: args.includes('--weights'), codeCache: codeCache as CodeCacheExercise | 'none' };
  buildLambdaBundles([args.includes('--unoptimised') ? 'unoptimised' : 'optimised'], options).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
