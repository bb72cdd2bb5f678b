import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../local-cloud/local-cloud.options';
import { compiledAppDir, LAMBDA_FUNCTIONS, type LambdaFunctionName } from './lambda-functions';

const run = promisify(execFile);

/**
 * Compiles each function's app with tsc (decorator metadata included: esbuild cannot emit
 * it) into dist/lambda-build/<app>, from scratch. The `@lib/*` imports stay as written; the
 * bundler resolves them (see libAliasPlugin).
 */
export async function compileApps(functions: readonly LambdaFunctionName[]): Promise<void> {
  await Promise.all(
    functions.map(async (fn) => {
      const outDir = compiledAppDir(fn);
      await rm(outDir, { recursive: true, force: true });
      const tsconfig = join('apps', LAMBDA_FUNCTIONS[fn].app, 'tsconfig.app.json');
      try {
        await run(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig, '--outDir', outDir, '--incremental', 'false'], { cwd: REPO_ROOT });
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`tsc -p ${tsconfig} failed:\n${stdout}${stderr}`);
      }
    }),
  );
}
