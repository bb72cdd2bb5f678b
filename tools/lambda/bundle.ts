// `npm run bundle:lambda`: one minified esbuild bundle per Lambda function, with a source map,
// from the Nest CLI's tsc output (esbuild alone would drop the decorator metadata Nest's
// dependency injection reads). Output: dist/lambda/<function>/index.js, ready for deploy/.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { REPO_ROOT } from '../local-cloud/local-cloud.options';

/** Each function: its compiled entry point (from `nest build`). */
export const LAMBDA_FUNCTIONS = {
  api: 'dist/apps/api/apps/api/src/lambda.js',
  worker: 'dist/apps/worker/apps/worker/src/lambda.js',
} as const;
export type LambdaFunctionName = keyof typeof LAMBDA_FUNCTIONS;

/**
 * Packages Nest and its modules `require` only when an app uses the matching feature (other
 * transports, websockets, ORMs for terminus, validation): never reached here, so they stay
 * out of the bundle instead of failing the build.
 */
export const NEVER_LOADED = [
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-socket.io',
  '@nestjs/platform-fastify',
  '@fastify/*',
  'kafkajs',
  'mqtt',
  'nats',
  'ioredis',
  'amqplib',
  'amqp-connection-manager',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'class-transformer',
  'class-transformer/*',
  'class-validator',
  '@nestjs/typeorm',
  '@nestjs/mongoose',
  '@nestjs/sequelize',
  '@mikro-orm/core',
  '@nestjs/axios',
  '@prisma/client',
  'typeorm',
  'mongoose',
  'sequelize',
];

export function bundleOptions(fn: LambdaFunctionName, outdir: string): BuildOptions {
  return {
    entryPoints: [join(REPO_ROOT, LAMBDA_FUNCTIONS[fn])],
    outfile: join(outdir, fn, 'index.js'),
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    // The functions run on Node 22; the code also runs on the Node 20 used here.
    target: 'node20',
    format: 'cjs',
    external: NEVER_LOADED,
    // Minified class names would change what Nest logs (controller and provider names).
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

async function main(): Promise<void> {
  execFileSync('npx', ['nest', 'build', 'api'], { cwd: REPO_ROOT, stdio: 'inherit' });
  execFileSync('npx', ['nest', 'build', 'worker'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const outdir = join(REPO_ROOT, 'dist', 'lambda');
  for (const fn of Object.keys(LAMBDA_FUNCTIONS) as LambdaFunctionName[]) {
    const options = bundleOptions(fn, outdir);
    await build(options);
    const bytes = statSync(options.outfile!).size;
    console.log(`${relative(REPO_ROOT, options.outfile!)}  ${(bytes / 1024 / 1024).toFixed(2)} MiB (+ .map)`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
