import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Where Debian's `chromium` package puts the browser (and the name some other systems use). */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Flags for headless Chromium on a closed machine: without the background-networking ones it
 * keeps trying Google's hosts and fills the log with refused connections.
 */
export const HEADLESS_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The system calls the lookup makes, so that a test can replace them. */
export interface SystemProbe {
  isExecutable(path: string): boolean;
  isRoot(): boolean;
  hasCommand(name: string): boolean;
  run(command: string, args: string[]): { ok: boolean; output: string };
}

export type ChromiumLookup =
  | { found: true; executablePath: string; installedNow: boolean }
  | { found: false; reason: string };

/** What a browser test does: run with this Chromium, or stop with a reason (failing under CI). */
export type BrowserTestPlan =
  | { run: true; executablePath: string; installedNow: boolean }
  | { run: false; fail: boolean; reason: string };

/**
 * The system Chromium (CHROMIUM_PATH, else Debian's /usr/bin/chromium). When it is missing and
 * this process is root with apt-get, installs Debian's `chromium` package (after an
 * `apt-get update` if the package lists are empty, as on a fresh container). Never downloads a
 * browser of its own: Playwright's browser downloads are not possible on every machine.
 */
export function findOrInstallChromium(env: NodeJS.ProcessEnv = process.env, probe: SystemProbe = systemProbe): ChromiumLookup {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    return probe.isExecutable(configured)
      ? { found: true, executablePath: configured, installedNow: false }
      : { found: false, reason: `CHROMIUM_PATH is "${configured}", which is not an executable file` };
  }
  const existing = CHROMIUM_PATHS.find((path) => probe.isExecutable(path));
  if (existing) return { found: true, executablePath: existing, installedNow: false };

  if (!probe.hasCommand('apt-get')) {
    return { found: false, reason: 'Chromium is not installed and there is no apt-get here to install it: install Chromium and set CHROMIUM_PATH' };
  }
  if (!probe.isRoot()) {
    return { found: false, reason: 'Chromium is not installed and installing it needs root: run `sudo apt-get install -y chromium`' };
  }
  let install = probe.run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  if (!install.ok) {
    // A fresh container has no package lists yet.
    const update = probe.run('apt-get', ['update']);
    if (update.ok) install = probe.run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  }
  const installed = CHROMIUM_PATHS.find((path) => probe.isExecutable(path));
  if (install.ok && installed) return { found: true, executablePath: installed, installedNow: true };
  return { found: false, reason: `apt-get install chromium failed: ${lastLines(install.output, 3) || 'no output'}` };
}

/** A missing Chromium skips the browser tests on a developer's machine and fails them under CI=true. */
export function planBrowserTest(env: NodeJS.ProcessEnv = process.env, probe: SystemProbe = systemProbe): BrowserTestPlan {
  const lookup = findOrInstallChromium(env, probe);
  if (lookup.found) return { run: true, executablePath: lookup.executablePath, installedNow: lookup.installedNow };
  return { run: false, fail: env.CI === 'true', reason: lookup.reason };
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join(' / ');
}

const systemProbe: SystemProbe = {
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  isRoot: () => process.getuid?.() === 0,
  hasCommand: (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0,
  run(command, args) {
    const result = spawnSync(command, args, {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 10 * 60_000,
    });
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? result.error.message : ''}` };
  },
};
