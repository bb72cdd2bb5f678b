import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { UploadsArtifacts } from './uploads.app';

/** The repository root (deploy/lib/ → ../..). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export class MissingBundleError extends Error {
  override readonly name = 'MissingBundleError';
}

/** A Lambda bundle made by `npm run bundle:lambda` (tools/lambda/bundle.ts). */
function lambdaBundle(fn: 'api' | 'worker'): lambda.Code {
  const dir = join(REPO_ROOT, 'dist', 'lambda', fn);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new MissingBundleError(`${dir}/index.js is missing: run npm run bundle:lambda first (npm run deploy:synth does)`);
  }
  return lambda.Code.fromAsset(dir);
}

/**
 * The real artefacts: the esbuild bundles (not bundled again here) and the repository's
 * Dockerfile, whose build context is the repository minus `.dockerignore` (CDK only stages
 * it at synth; the image is built by `cdk deploy` where Docker exists).
 */
export function repoArtifacts(): UploadsArtifacts {
  return {
    apiCode: lambdaBundle('api'),
    workerCode: lambdaBundle('worker'),
    image: ecs.ContainerImage.fromAsset(REPO_ROOT, { file: 'Dockerfile', platform: Platform.LINUX_AMD64, ignoreMode: IgnoreMode.DOCKER }),
  };
}
