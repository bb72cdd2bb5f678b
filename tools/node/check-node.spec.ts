import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs check-node.cjs with this Node against a `.node-version` of the test's choosing. */
function checkAgainst(pinned: string): { status: number | null; stderr: string } {
  const root = mkdtempSync(join(tmpdir(), 'check-node-'));
  try {
    mkdirSync(join(root, 'tools', 'node'), { recursive: true });
    copyFileSync(join(__dirname, 'check-node.cjs'), join(root, 'tools', 'node', 'check-node.cjs'));
    writeFileSync(join(root, '.node-version'), `${pinned}\n`);
    const result = spawnSync(process.execPath, [join(root, 'tools', 'node', 'check-node.cjs')], { encoding: 'utf8' });
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('check-node.cjs (run before npm start and npm test)', () => {
  const [major, minor, patch] = process.versions.node.split('.').map(Number);

  it('passes silently on the pinned version', () => {
    expect(checkAgainst(process.versions.node)).toEqual({ status: 0, stderr: '' });
  });

  it('passes silently on a newer release of the same line', () => {
    expect(checkAgainst(`${major}.${minor}.${Math.max(0, patch - 1)}`)).toEqual({ status: 0, stderr: '' });
  });

  it('stops an older Node with one line naming the version to install, no stack trace', () => {
    const result = checkAgainst(`${major}.${minor + 1}.0`);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`Install Node ${major}.${minor + 1}.0`);
  });

  it('lets a newer line run, with a one-line note that it is untested there', () => {
    const result = checkAgainst(`${major - 2}.0.0`);
    expect(result.status).toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('not tested there');
  });
});
