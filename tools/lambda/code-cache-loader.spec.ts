import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { codeCacheLines } from '../../test-kit/lambda/invoke-bundle';
import { codeCacheFiles, installCodeCacheLoader, readCodeCacheRecord } from './code-cache';

const run = promisify(execFile);

/** A stand-in for esbuild's output: a CommonJS bundle with a handler and its source map comment. */
const BUNDLE = `"use strict";
const words = (text) => text.split(/\\s+/).filter(Boolean);
exports.handler = async (event) => ({ count: words(event.text).length, file: __filename.split('/').pop(), line: new Error().stack.split('\\n')[1] });
//# sourceMappingURL=index.js.map
`;

/** Runs the folder's index.js once in a fresh node (with Lambda's V8 flag unless told otherwise), as Lambda would. */
async function invoke(dir: string, options: { env?: Record<string, string>; nodeArgs?: string[] } = {}) {
  const script = `require(${JSON.stringify(codeCacheFiles(dir).entry)}).handler({ text: 'one two three' }).then((r) => console.log('RESULT ' + JSON.stringify(r)));`;
  const { stdout } = await run(process.execPath, [...(options.nodeArgs ?? ['--expose-gc']), '-e', script], { env: { PATH: process.env.PATH ?? '', ...options.env } });
  const result = JSON.parse(stdout.split('\n').find((line) => line.startsWith('RESULT '))!.slice('RESULT '.length)) as { count: number; file: string; line: string };
  return { result, cacheLines: codeCacheLines(stdout) };
}

describe('the code-cache loader (index.js of a shipped bundle)', () => {
  let recorded: string;
  let dir: string;

  beforeAll(async () => {
    recorded = mkdtempSync(join(tmpdir(), 'code-cache-recorded-'));
    writeFileSync(join(recorded, 'index.js'), BUNDLE);
    writeFileSync(join(recorded, 'index.js.map'), JSON.stringify({ version: 3, file: 'index.js', sources: [], mappings: '' }));
    installCodeCacheLoader(recorded);
    await invoke(recorded, { env: { LAMBDA_CODE_CACHE_RECORD: '1' } });
  });

  beforeEach(() => {
    // Each case damages its own copy of the recorded folder.
    dir = mkdtempSync(join(tmpdir(), 'code-cache-case-'));
    cpSync(recorded, dir, { recursive: true });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => rmSync(recorded, { recursive: true, force: true }));

  it('puts itself in front of the bundle, which keeps its own file name, line numbers and source map', async () => {
    expect(readFileSync(codeCacheFiles(dir).bundle, 'utf8')).toMatch(/\/\/# sourceMappingURL=bundle\.js\.map\n$/);
    expect(JSON.parse(readFileSync(`${codeCacheFiles(dir).bundle}.map`, 'utf8'))).toMatchObject({ file: 'bundle.js' });
    const { result } = await invoke(dir);
    expect(result).toMatchObject({ count: 3, file: 'bundle.js' });
    // The handler is on line 3 of bundle.js: the wrapper the loader adds shifts nothing.
    expect(result.line).toMatch(/bundle\.js:3:\d+\)$/);
  });

  it('records the Node, architecture and checksums beside the cache, and uses it on the same Node: one line says so', async () => {
    expect(readCodeCacheRecord(dir)).toMatchObject({ node: process.version, arch: process.arch, execArgv: ['--expose-gc'], cacheBytes: expect.any(Number), cacheCrc32: expect.any(Number) });
    const { result, cacheLines } = await invoke(dir);
    expect(result.count).toBe(3);
    expect(cacheLines).toEqual([expect.objectContaining({ msg: 'code cache used', codeCache: expect.objectContaining({ used: true, node: process.version }) })]);
  });

  it('ignores a cache recorded by another Node version, and still works', async () => {
    const record = { ...readCodeCacheRecord(dir), node: 'v24.0.0' };
    writeFileSync(codeCacheFiles(dir).record, JSON.stringify(record));
    const { result, cacheLines } = await invoke(dir);
    expect(result.count).toBe(3);
    expect(cacheLines).toHaveLength(1);
    expect(cacheLines[0].codeCache).toMatchObject({ used: false, reason: `recorded by Node v24.0.0 on ${process.arch}, running on ${process.version} on ${process.arch}` });
  });

  it('ignores a cache recorded on another architecture', async () => {
    writeFileSync(codeCacheFiles(dir).record, JSON.stringify({ ...readCodeCacheRecord(dir), arch: process.arch === 'arm64' ? 'x64' : 'arm64' }));
    const { result, cacheLines } = await invoke(dir);
    expect(result.count).toBe(3);
    expect(cacheLines).toEqual([expect.objectContaining({ codeCache: expect.objectContaining({ used: false, reason: expect.stringMatching(/^recorded by Node .* on (x64|arm64), running on/) }) })]);
  });

  it('works without a cache (never recorded, or left out of the upload)', async () => {
    rmSync(join(dir, 'code-cache'), { recursive: true });
    const { result, cacheLines } = await invoke(dir);
    expect(result.count).toBe(3);
    expect(cacheLines).toEqual([expect.objectContaining({ msg: 'code cache not used', codeCache: expect.objectContaining({ used: false, reason: 'no readable code-cache/recorded.json (ENOENT)' }) })]);
  });

  it('does not give V8 a damaged cache (V8 itself would run a flipped byte: it checks no payload checksum)', async () => {
    const cache = readFileSync(codeCacheFiles(dir).cache);
    cache[cache.length >> 1] ^= 0xff;
    writeFileSync(codeCacheFiles(dir).cache, cache);
    const { result, cacheLines } = await invoke(dir);
    expect(result.count).toBe(3);
    expect(cacheLines).toEqual([expect.objectContaining({ codeCache: expect.objectContaining({ used: false, reason: expect.stringMatching(/damaged/) }) })]);
  });

  it('ignores unreadable bookkeeping and a cache recorded for another bundle.js', async () => {
    writeFileSync(codeCacheFiles(dir).record, '{ not json');
    expect((await invoke(dir)).cacheLines).toEqual([expect.objectContaining({ codeCache: expect.objectContaining({ used: false, reason: expect.stringMatching(/no readable code-cache\/recorded\.json/) }) })]);
    cpSync(recorded, dir, { recursive: true });
    writeFileSync(codeCacheFiles(dir).bundle, BUNDLE.replace('filter(Boolean)', 'filter((word) => word)').replace('index.js.map', 'bundle.js.map'));
    const other = await invoke(dir);
    expect(other.result.count).toBe(3);
    expect(other.cacheLines).toEqual([expect.objectContaining({ codeCache: expect.objectContaining({ used: false, reason: 'recorded for another bundle.js' }) })]);
  });

  it('reports a cache V8 rejects (node started without the V8 flags it was recorded with, as Lambda starts it)', async () => {
    const { result, cacheLines } = await invoke(dir, { nodeArgs: [] });
    expect(result.count).toBe(3);
    expect(cacheLines).toEqual([expect.objectContaining({ codeCache: expect.objectContaining({ used: false, reason: 'rejected by V8 (other V8 flags or build)' }) })]);
  });

  it('can be switched off (LAMBDA_CODE_CACHE=off)', async () => {
    const { cacheLines } = await invoke(dir, { env: { LAMBDA_CODE_CACHE: 'off' } });
    expect(cacheLines).toEqual([expect.objectContaining({ codeCache: expect.objectContaining({ used: false, reason: 'switched off (LAMBDA_CODE_CACHE=off)' }) })]);
  });
});
