import { execFile } from 'node:child_process';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { COMMON_BUILD_OPTIONS, libAliasPlugin, NEVER_LOADED } from './bundle.options';
import { compiledAppDir } from './lambda-functions';

/** What the document generator's app needs to be configured (preview mode: nothing is called). */
const STAND_IN_ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  COGNITO_USER_POOL_ID: 'us-east-1_openapi',
  COGNITO_CLIENT_IDS: 'openapi-document',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * The files apps/api/src/docs/static-api-docs.ts serves from `<api bundle dir>/docs/`: the
 * OpenAPI document, generated now from the compiled api (openapi-document.main.ts, bundled
 * with the real @nestjs/swagger and run once), and the Swagger UI assets it needs.
 */
export async function buildStaticDocs(apiBundleFile: string): Promise<void> {
  const docsDir = join(dirname(apiBundleFile), 'docs');
  await mkdir(docsDir, { recursive: true });
  const generator = join(dirname(apiBundleFile), '..', '..', 'lambda-build', 'openapi-document.js');
  await build({
    ...COMMON_BUILD_OPTIONS,
    minify: false,
    sourcemap: false,
    entryPoints: [join(compiledAppDir('api'), 'apps', 'api', 'src', 'docs', 'openapi-document.main.js')],
    outfile: generator,
    external: NEVER_LOADED,
    plugins: [libAliasPlugin(compiledAppDir('api'))],
  });
  try {
    await promisify(execFile)(process.execPath, [generator, join(docsDir, 'openapi.json')], { env: { PATH: process.env.PATH, ...STAND_IN_ENVIRONMENT } });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`generating the OpenAPI document failed:\n${stdout}${stderr}`);
  } finally {
    await rm(generator, { force: true });
  }
  const swaggerUi = dirname(require.resolve('swagger-ui-dist/package.json'));
  for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']) {
    await copyFile(join(swaggerUi, file), join(docsDir, file));
  }
}
