import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');

/** The exact Node version the project ships on and is tested on, from `.node-version` (e.g. `24.22.3`). */
export function pinnedNodeVersion(root: string = REPO_ROOT): string {
  const version = readFileSync(join(root, '.node-version'), 'utf8').trim();
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`.node-version must hold one exact version such as 24.22.3, not "${version}"`);
  return version;
}

/** Its major version (`24`): what Lambda runtimes (`nodejs24.x`) and bundler targets name. */
export function pinnedNodeMajor(root?: string): number {
  return Number(pinnedNodeVersion(root).split('.')[0]);
}
