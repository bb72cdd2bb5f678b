import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { transformFileSync } from '@swc/core';

const REPO_ROOT = join(__dirname, '..', '..');
// swc with the project's options (the jest transform's); commonjs, like the api's build.
const SWC_OPTIONS = require('../../swc.options') as object;

/**
 * Compiles the one-file baseline to JavaScript under dist/ (git-ignored), next to the api's
 * build, so that both servers run built code with plain `node` and no compiler is loaded into
 * the baseline's process (swc's native module alone would add tens of MiB to its RSS).
 * Under <repo>/dist, `require('express')` still resolves from the repository's node_modules.
 */
export function buildBaseline(source: string): string {
  const { code } = transformFileSync(source, { ...SWC_OPTIONS, filename: source, sourceMaps: false });
  const outDir = join(REPO_ROOT, 'dist', 'bench', 'upload');
  mkdirSync(outDir, { recursive: true });
  const entry = join(outDir, basename(source).replace(/\.ts$/, '.js'));
  writeFileSync(entry, code);
  return entry;
}
