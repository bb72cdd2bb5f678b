// Preloaded (`node -r`) by the benchmark's server processes. Nest's dependency injection
// needs `emitDecoratorMetadata`, which tsx (esbuild) does not emit, so the servers compile
// TypeScript with swc using the same options as the jest transform, and resolve the
// `@lib/*` aliases from the root tsconfig. Plain JavaScript: it must load before any hook.
'use strict';
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { transformSync } = require('@swc/core');
const tsconfigPaths = require('tsconfig-paths');

const root = resolve(__dirname, '..', '..');
const config = tsconfigPaths.loadConfig(root);
if (config.resultType !== 'success') throw new Error(`cannot read ${root}/tsconfig.json: ${config.message}`);
tsconfigPaths.register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });

const options = { ...require('../../swc.options'), sourceMaps: 'inline' };

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
