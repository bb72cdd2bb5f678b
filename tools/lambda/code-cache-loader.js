// The entry point (index.js) of a shipped Lambda bundle: compiles bundle.js with the V8 code
// cache recorded at bundle time (code-cache/, see tools/lambda/code-cache.ts), so the code a
// cold start runs is neither parsed nor compiled again. Plain CommonJS with no dependencies:
// it is copied as is into dist/lambda/<function>/.
//
// A cache helps only on the very Node build (and V8 flags) that recorded it, and V8 checks
// little of it by itself: its own version and flags, and the source's length — not the
// payload, so a damaged cache would be run. Hence the checks here before V8 sees it: the
// recording Node's version and architecture, the bundle's and the cache's sizes and CRC-32,
// all written beside the cache by the recording run. Whatever fails, the bundle compiles
// without the cache, as a plain require would, and one line says why; nothing here throws
// because of the cache.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const { crc32 } = require('node:zlib');

const bundleFile = join(__dirname, 'bundle.js');
const cacheFile = join(__dirname, 'code-cache', 'bundle.cache');
const recordFile = join(__dirname, 'code-cache', 'recorded.json');

/** The recorded cache if it may be given to V8, or why not. */
function usableCache(bundleBytes) {
  // A switch for operators (and the benchmark's "without the cache" runs).
  if (process.env.LAMBDA_CODE_CACHE === 'off') return { reason: 'switched off (LAMBDA_CODE_CACHE=off)' };
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(recordFile, 'utf8'));
  } catch (error) {
    return { reason: `no readable code-cache/recorded.json (${error.code ?? error.message})` };
  }
  if (recorded.node !== process.version || recorded.arch !== process.arch) {
    return { recorded, reason: `recorded by Node ${recorded.node} on ${recorded.arch}, running on ${process.version} on ${process.arch}` };
  }
  if (recorded.bundleBytes !== bundleBytes.length || recorded.bundleCrc32 !== crc32(bundleBytes)) {
    return { recorded, reason: 'recorded for another bundle.js' };
  }
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch (error) {
    return { recorded, reason: `no readable code-cache/bundle.cache (${error.code ?? error.message})` };
  }
  if (cachedData.length !== recorded.cacheBytes || crc32(cachedData) !== recorded.cacheCrc32) {
    return { recorded, reason: 'code-cache/bundle.cache is damaged (its size or CRC-32 differs from recorded.json)' };
  }
  return { recorded, cachedData };
}

const recording = process.env.LAMBDA_CODE_CACHE_RECORD === '1';
const bundleBytes = readFileSync(bundleFile);
let cache;
try {
  cache = recording ? { reason: 'recording a new one' } : usableCache(bundleBytes);
} catch (error) {
  cache = { reason: `cache check failed: ${error.message}` };
}
// Node's CommonJS wrapper, on a line of its own: lineOffset keeps stack traces' line and
// column numbers those of bundle.js (and of bundle.js.map).
const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${bundleBytes.toString('utf8')}\n})`, {
  filename: bundleFile,
  lineOffset: -1,
  cachedData: cache.cachedData,
});
const used = cache.cachedData !== undefined && !script.cachedDataRejected;
// V8 rejects a cache made with other V8 flags (Lambda's node runs with --expose-gc) or by another V8.
const reason = used ? undefined : script.cachedDataRejected ? 'rejected by V8 (other V8 flags or build)' : cache.reason;
// Once per cold start, one JSON line (pino's shape, as the apps' own log lines).
process.stdout.write(
  `${JSON.stringify({
    level: used || recording ? 30 : 40,
    time: Date.now(),
    msg: used ? 'code cache used' : 'code cache not used',
    codeCache: { used, reason, node: process.version, recordedBy: cache.recorded?.node, bytes: used ? cache.cachedData.length : undefined },
  })}\n`,
);
if (recording) {
  // Taken at exit, after the run compiled what a first invocation needs; the checks above read it back.
  process.once('exit', () => {
    const cachedData = script.createCachedData();
    writeFileSync(cacheFile, cachedData);
    writeFileSync(
      recordFile,
      `${JSON.stringify(
        {
          node: process.version,
          arch: process.arch,
          v8: process.versions.v8,
          // The options node ran with (what follows -e is the recording script, not an option).
          execArgv: process.execArgv.slice(0, ((i) => (i < 0 ? undefined : i))(process.execArgv.findIndex((a) => a === '-e' || a === '--eval'))),
          bundleBytes: bundleBytes.length,
          bundleCrc32: crc32(bundleBytes),
          cacheBytes: cachedData.length,
          cacheCrc32: crc32(cachedData),
          recordedAt: new Date().toISOString(),
          recordedWith: process.env.LAMBDA_CODE_CACHE_RECORDED_WITH,
        },
        null,
        2,
      )}\n`,
    );
  });
}
script.runInThisContext()(module.exports, require, module, bundleFile, __dirname);
