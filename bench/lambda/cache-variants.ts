import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeCacheFiles, recordCodeCaches } from '../../tools/lambda/code-cache';
import { bundleDir } from '../../tools/lambda/lambda-functions';
import { REPO_ROOT } from '../../tools/local-cloud/local-cloud.options';

/** Where the benchmark's alternative cache set-ups of the api go (never shipped). */
export const API_COMPILE_CACHE_DIR = join(REPO_ROOT, 'dist', 'lambda-bench', 'api-compile-cache');
export const API_IMPORT_ONLY_CACHE_DIR = join(REPO_ROOT, 'dist', 'lambda-bench', 'api-cache-import-only');

/**
 * The shipped api with Node's own compile cache (`module.enableCompileCache`) instead of our
 * loader's, for the comparison: its entry turns the cache on (portable, so the folder can
 * move) and requires bundle.js. The cache is recorded by the caller's first run. Node writes
 * into the folder at exit, so it only works where that is writable — or in a copy in /tmp.
 */
export function prepareCompileCacheVariant(): string {
  rmSync(API_COMPILE_CACHE_DIR, { recursive: true, force: true });
  cpSync(bundleDir('optimised', 'api'), API_COMPILE_CACHE_DIR, { recursive: true });
  rmSync(join(API_COMPILE_CACHE_DIR, 'code-cache'), { recursive: true, force: true });
  writeFileSync(
    codeCacheFiles(API_COMPILE_CACHE_DIR).entry,
    [
      "'use strict';",
      "require('node:module').enableCompileCache({ directory: require('node:path').join(__dirname, 'node-compile-cache'), portable: true });",
      "module.exports = require('./bundle.js');",
      '',
    ].join('\n'),
  );
  return codeCacheFiles(API_COMPILE_CACHE_DIR).entry;
}

/** The shipped api with its cache recorded by importing it alone (no cloud), to compare recording runs. */
export async function prepareImportOnlyVariant(node: string): Promise<string> {
  rmSync(API_IMPORT_ONLY_CACHE_DIR, { recursive: true, force: true });
  cpSync(bundleDir('optimised', 'api'), API_IMPORT_ONLY_CACHE_DIR, { recursive: true });
  await recordCodeCaches([{ fn: 'api', dir: API_IMPORT_ONLY_CACHE_DIR }], node, 'import');
  return codeCacheFiles(API_IMPORT_ONLY_CACHE_DIR).entry;
}
