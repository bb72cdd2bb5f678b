import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheMismatch } from '../lib/repo-artifacts';

describe('codeCacheMismatch (the synth warns when the shipped code cache cannot serve the functions\' architecture)', () => {
  let dir: string;
  const record = (contents: object) => {
    mkdirSync(join(dir, 'code-cache'), { recursive: true });
    writeFileSync(join(dir, 'code-cache', 'recorded.json'), JSON.stringify(contents));
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'code-cache-mismatch-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says nothing for a cache recorded on the functions\' architecture, and why otherwise', () => {
    expect(codeCacheMismatch(dir, 'x86_64')).toMatch(/has no code cache/);
    record({ node: 'v24.22.3', arch: 'x64' });
    expect(codeCacheMismatch(dir, 'x86_64')).toBeUndefined();
    expect(codeCacheMismatch(dir, 'arm64')).toMatch(/recorded on x64, the functions run on arm64 \(context lambdaArchitecture=arm64\)/);
    record({ node: 'v24.22.3', arch: 'arm64' });
    expect(codeCacheMismatch(dir, 'arm64')).toBeUndefined();
    expect(codeCacheMismatch(dir, 'x86_64')).toMatch(/recorded on arm64, the functions run on x64/);
  });
});
