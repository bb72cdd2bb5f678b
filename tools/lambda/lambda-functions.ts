import { join } from 'node:path';
import { REPO_ROOT } from '../local-cloud/local-cloud.options';

/** The Lambda functions and the app each one is compiled from. */
export const LAMBDA_FUNCTIONS = {
  api: { app: 'api', entry: 'apps/api/src/lambda.js' },
  worker: { app: 'worker', entry: 'apps/worker/src/lambda.js' },
} as const;
export type LambdaFunctionName = keyof typeof LAMBDA_FUNCTIONS;
export const LAMBDA_FUNCTION_NAMES = Object.keys(LAMBDA_FUNCTIONS) as LambdaFunctionName[];

/**
 * `optimised`: what deploy/ ships. `unoptimised`: the same compiled code bundled plainly
 * (no aliases, stubs or static OpenAPI document), the reference the benchmark compares with.
 */
export type BundleVariant = 'optimised' | 'unoptimised';

/**
 * The tsc output the bundles are made from: a folder of its own (not `nest build`'s
 * dist/apps, which running servers and benchmarks use), one per app.
 */
export function compiledAppDir(fn: LambdaFunctionName): string {
  return join(REPO_ROOT, 'dist', 'lambda-build', LAMBDA_FUNCTIONS[fn].app);
}

/** Where a variant's bundles go: dist/lambda/<function>/ (shipped) or dist/lambda-unoptimised/<function>/. */
export function bundleDir(variant: BundleVariant, fn: LambdaFunctionName): string {
  return join(REPO_ROOT, 'dist', variant === 'optimised' ? 'lambda' : 'lambda-unoptimised', fn);
}
