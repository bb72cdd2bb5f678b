import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { claimLocalCloudData, dataPaths, releaseLocalCloudData, wipeLocalCloudData } from './local-cloud-data';

describe('local cloud data folder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-cloud-data-spec-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('wipes a folder that holds only local cloud data', async () => {
    await mkdir(join(dir, 'kinesis'));
    await writeFile(join(dir, 'outputs.json'), '{}');
    await wipeLocalCloudData(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses to wipe a folder with foreign files', async () => {
    await writeFile(join(dir, 'thesis.docx'), 'precious');
    await expect(wipeLocalCloudData(dir)).rejects.toThrow(/Not wiping .*thesis\.docx/);
    expect(existsSync(join(dir, 'thesis.docx'))).toBe(true);
  });

  it('refuses to claim or wipe a folder another live process claimed, and forgets a dead one', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      await writeFile(dataPaths(dir).pidFile, `${other.pid}\n`);
      await expect(claimLocalCloudData(dir)).rejects.toThrow(`A local cloud is already running on ${dir} (pid ${other.pid})`);
      await expect(wipeLocalCloudData(dir)).rejects.toThrow(/already running/);
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
    }
    await expect(claimLocalCloudData(dir)).resolves.toBeUndefined();
    await releaseLocalCloudData(dir);
    expect(existsSync(dataPaths(dir).pidFile)).toBe(false);
  });
});
