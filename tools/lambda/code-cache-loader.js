// The entry point of a Lambda bundle shipped with a V8 code cache (tools/lambda/code-cache.ts):
// compiles bundle.js with the cache recorded by an earlier run, so the functions that run at
// a cold start are neither parsed nor compiled again. V8 checks the cache against its own
// version and flags and ignores one made by another Node (then the bundle compiles as usual):
// it only helps where the cache was recorded with the very Node that runs it.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const bundleFile = join(__dirname, 'bundle.js');
const cacheFile = join(__dirname, 'bundle.cache');
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined; // not recorded yet
}
const source = readFileSync(bundleFile, 'utf8');
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundleFile, cachedData });
if (cachedData && script.cachedDataRejected) console.warn(`${cacheFile} was recorded by another Node/V8: ignored`);
// Recording (at build time): the cache is taken at exit, after the first invocation compiled what it needed.
if (process.env.LAMBDA_CODE_CACHE_RECORD === '1') process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
script.runInThisContext()(module.exports, require, module, bundleFile, __dirname);
