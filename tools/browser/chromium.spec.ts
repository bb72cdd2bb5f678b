import { findOrInstallChromium, planBrowserTest, type SystemProbe } from './chromium';

/** A machine whose files, user and commands the test decides. */
function machine(options: { executables?: string[]; root?: boolean; aptGet?: boolean; installWorks?: boolean; needsUpdate?: boolean }) {
  const executables = new Set(options.executables ?? []);
  const calls: string[] = [];
  let updated = false;
  const probe: SystemProbe = {
    isExecutable: (path) => executables.has(path),
    isRoot: () => options.root ?? false,
    hasCommand: (name) => name === 'apt-get' && (options.aptGet ?? false),
    run(command, args) {
      calls.push(`${command} ${args.join(' ')}`);
      if (args[0] === 'update') {
        updated = true;
        return { ok: true, output: '' };
      }
      if (!options.installWorks || (options.needsUpdate && !updated)) return { ok: false, output: 'E: Unable to locate package chromium' };
      executables.add('/usr/bin/chromium');
      return { ok: true, output: 'Setting up chromium' };
    },
  };
  return { probe, calls };
}

describe('findOrInstallChromium', () => {
  it('uses Debian\'s /usr/bin/chromium when it is there, installing nothing', () => {
    const { probe, calls } = machine({ executables: ['/usr/bin/chromium'], root: true, aptGet: true });
    expect(findOrInstallChromium({}, probe)).toEqual({ found: true, executablePath: '/usr/bin/chromium', installedNow: false });
    expect(calls).toEqual([]);
  });

  it('prefers CHROMIUM_PATH, and says so when it is wrong', () => {
    const { probe } = machine({ executables: ['/opt/chrome/chrome', '/usr/bin/chromium'] });
    expect(findOrInstallChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, probe)).toMatchObject({ executablePath: '/opt/chrome/chrome' });
    expect(findOrInstallChromium({ CHROMIUM_PATH: '/nope' }, probe)).toEqual({ found: false, reason: expect.stringContaining('/nope') });
  });

  it('installs the Debian package as root, updating the package lists when apt-get cannot find it', () => {
    const { probe, calls } = machine({ root: true, aptGet: true, installWorks: true, needsUpdate: true });
    expect(findOrInstallChromium({}, probe)).toEqual({ found: true, executablePath: '/usr/bin/chromium', installedNow: true });
    expect(calls).toEqual([
      'apt-get install -y --no-install-recommends chromium',
      'apt-get update',
      'apt-get install -y --no-install-recommends chromium',
    ]);
  });

  it('gives the reason when it cannot install', () => {
    expect(findOrInstallChromium({}, machine({ root: false, aptGet: true }).probe)).toEqual({ found: false, reason: expect.stringMatching(/needs root/) });
    expect(findOrInstallChromium({}, machine({ root: true, aptGet: false }).probe)).toEqual({ found: false, reason: expect.stringMatching(/no apt-get/) });
    expect(findOrInstallChromium({}, machine({ root: true, aptGet: true, installWorks: false }).probe)).toEqual({
      found: false,
      reason: expect.stringContaining('Unable to locate package chromium'),
    });
  });
});

describe('planBrowserTest', () => {
  const missing = machine({ root: false, aptGet: false }).probe;

  it('skips without Chromium on a developer\'s machine and fails under CI=true', () => {
    expect(planBrowserTest({}, missing)).toMatchObject({ run: false, fail: false });
    expect(planBrowserTest({ CI: 'true' }, missing)).toMatchObject({ run: false, fail: true });
  });

  it('runs with the Chromium it found', () => {
    expect(planBrowserTest({ CI: 'true' }, machine({ executables: ['/usr/bin/chromium'] }).probe)).toEqual({
      run: true,
      executablePath: '/usr/bin/chromium',
      installedNow: false,
    });
  });
});
