import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { LambdaArchitecture } from './deploy-settings';
import type { UploadsArtifacts } from './uploads.app';

/** The repository root (deploy/lib/ → ../..). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export class MissingBundleError extends Error {
  override readonly name = 'MissingBundleError';
}

/** Node's name (`process.arch`) for each Lambda architecture. */
const NODE_ARCH: Record<LambdaArchitecture, string> = { x86_64: 'x64', arm64: 'arm64' };

/**
 * Why a bundle's code cache (code-cache/recorded.json, tools/lambda/code-cache.ts) cannot be
 * used by functions of this architecture (the `lambdaArchitecture` setting); undefined if it
 * can. Not an error: the functions run without it, only slower to start.
 */
export function codeCacheMismatch(dir: string, architecture: LambdaArchitecture): string | undefined {
  const functionArch = NODE_ARCH[architecture];
  let recorded: { node?: string; arch?: string };
  try {
    recorded = JSON.parse(readFileSync(join(dir, 'code-cache', 'recorded.json'), 'utf8')) as typeof recorded;
  } catch {
    return `${dir} has no code cache (npm run bundle:lambda records one)`;
  }
  if (recorded.arch !== functionArch) {
    return `${dir}: its code cache was recorded on ${recorded.arch}, the functions run on ${functionArch} (context lambdaArchitecture=${architecture}), so it will be ignored; record it on an ${functionArch} machine (npm run bundle:lambda there) or deploy the architecture that recorded it`;
  }
  return undefined;
}

/** A Lambda bundle made by `npm run bundle:lambda` (tools/lambda/bundle.ts). */
function lambdaBundle(fn: 'api' | 'worker', architecture: LambdaArchitecture): lambda.Code {
  const dir = join(REPO_ROOT, 'dist', 'lambda', fn);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new MissingBundleError(`${dir}/index.js is missing: run npm run bundle:lambda first (npm run deploy:synth does)`);
  }
  const mismatch = codeCacheMismatch(dir, architecture);
  if (mismatch) console.error(`warning: ${mismatch}`);
  return lambda.Code.fromAsset(dir);
}

/**
 * The real artefacts: the esbuild bundles (not bundled again here) and the repository's
 * Dockerfile, whose build context is the repository minus `.dockerignore` (CDK only stages
 * it at synth; the image is built by `cdk deploy` where Docker exists).
 */
export function repoArtifacts(lambdaArchitecture: LambdaArchitecture): UploadsArtifacts {
  return {
    apiCode: lambdaBundle('api', lambdaArchitecture),
    workerCode: lambdaBundle('worker', lambdaArchitecture),
    image: ecs.ContainerImage.fromAsset(REPO_ROOT, { file: 'Dockerfile', platform: Platform.LINUX_AMD64, ignoreMode: IgnoreMode.DOCKER }),
  };
}
