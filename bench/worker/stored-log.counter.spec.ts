import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoredLogCounter } from './stored-log.counter';

const ID_A = '0b7f1a52-8a53-4a4e-9d6c-3f0a1c2b4d5e';
const ID_B = '9c1e2d3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const line = (id: string) =>
  `[Nest] 42  - 11/27/2026, 6:00:00 AM     LOG [FilesController] stored uploads/${id}.bin (1024 bytes) upload=${id} correlation=- shard=shardId-000000000000 seq=1\n`;

describe('StoredLogCounter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stored-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('counts distinct stored uploads across appends, a line split between reads included', async () => {
    const file = join(dir, 'worker.log');
    await writeFile(file, line(ID_A) + line(ID_B).slice(0, 60));
    const counter = await StoredLogCounter.open(file);
    expect(await counter.poll()).toBe(1);
    await appendFile(file, line(ID_B).slice(60) + line(ID_A));
    expect(await counter.poll()).toBe(2);
    expect(counter.duplicates).toBe(1);
    await counter.close();
  });

  it('counts "not stored" warnings apart, never as stored', async () => {
    const file = join(dir, 'worker.log');
    await writeFile(file, `WARN [FilesController] not stored (attempt 1): Error: boom upload=${ID_A}\n`);
    const counter = await StoredLogCounter.open(file);
    expect(await counter.poll()).toBe(0);
    expect(counter.notStored).toBe(1);
    await counter.close();
  });
});
