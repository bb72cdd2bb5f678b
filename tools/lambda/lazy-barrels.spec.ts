import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportNamesOf, lazyBarrelSource, resolveRelativeRequire } from './lazy-barrels';

/** tsc's helpers at the top of every compiled barrel. */
const TSC_HELPERS = `"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    Object.defineProperty(o, k2, { enumerable: true, get: function() { return m[k]; } });
}) : (function(o, m, k, k2) { if (k2 === undefined) k2 = k; o[k2] = m[k]; }));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });`;

/** A compiled module that records that it was loaded. */
const leaf = (name: string, exports: Record<string, string>) =>
  [
    '"use strict";',
    'Object.defineProperty(exports, "__esModule", { value: true });',
    `exports.${Object.keys(exports).join(' = exports.')} = void 0;`,
    `(globalThis.loadedModules ??= []).push(${JSON.stringify(name)});`,
    ...Object.entries(exports).map(([key, value]) => `exports.${key} = ${value};`),
  ].join('\n');

const BARREL = [
  TSC_HELPERS,
  'exports.own = exports.Client = void 0;',
  'var client_1 = require("./client");',
  'Object.defineProperty(exports, "Client", { enumerable: true, get: function () { return client_1.Client; } });',
  '__exportStar(require("./server"), exports);',
  '__exportStar(require("./shadowed"), exports);',
  '__exportStar(require("some-package"), exports);',
  'var used_1 = require("./used-at-load");',
  'exports.own = used_1.value + 1;',
].join('\n');

describe('lazy barrels', () => {
  let dir: string;
  const loaded = () => (globalThis as { loadedModules?: string[] }).loadedModules ?? [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lazy-barrels-'));
    delete (globalThis as { loadedModules?: string[] }).loadedModules;
    writeFileSync(join(dir, 'client.js'), leaf('client', { Client: 'class Client {}' }));
    mkdirSync(join(dir, 'server'));
    writeFileSync(join(dir, 'server', 'index.js'), [TSC_HELPERS, '__exportStar(require("./server"), exports);'].join('\n'));
    writeFileSync(join(dir, 'server', 'server.js'), leaf('server', { Server: 'class Server {}', LEASE_MS: '5000' }));
    writeFileSync(join(dir, 'shadowed.js'), leaf('shadowed', { Server: '"not this one"', Other: '42' }));
    writeFileSync(join(dir, 'used-at-load.js'), leaf('used-at-load', { value: '1' }));
    mkdirSync(join(dir, 'node_modules', 'some-package'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'some-package', 'index.js'), leaf('some-package', { fromPackage: 'true' }));
    writeFileSync(join(dir, 'index.js'), lazyBarrelSource(BARREL, join(dir, 'index.js')));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('requires a re-exported file only when one of its exports is first read', () => {
    const barrel = require(join(dir, 'index.js')) as Record<string, unknown>;
    // Loaded at once: what the barrel itself uses, and the star export it cannot follow.
    expect(loaded()).toEqual(['some-package', 'used-at-load']);
    expect(barrel.own).toBe(2);

    expect(typeof barrel.Client).toBe('function');
    expect(loaded()).toContain('client');
    expect(loaded()).not.toContain('server');

    expect(barrel.LEASE_MS).toBe(5000);
    expect(loaded()).toContain('server');
    expect(barrel.fromPackage).toBe(true);
  });

  it('keeps the names and the precedence of export * (an earlier file wins)', () => {
    const barrel = require(join(dir, 'index.js')) as Record<string, unknown>;
    expect(Object.keys(barrel).sort()).toEqual(['Client', 'LEASE_MS', 'Other', 'Server', 'fromPackage', 'own']);
    expect(typeof barrel.Server).toBe('function');
    expect(barrel.Other).toBe(42);
  });

  it('reads export names through nested barrels, and gives up on another package', () => {
    const read = (file: string) => readFileSync(file, 'utf8');
    expect(exportNamesOf(join(dir, 'server', 'index.js'), read, resolveRelativeRequire)?.sort()).toEqual(['LEASE_MS', 'Server']);
    expect(exportNamesOf(join(dir, 'index.js'), read, resolveRelativeRequire)).toBeUndefined();
  });

  it('keeps export * eager for a file whose exports it cannot list (module.exports = …)', () => {
    writeFileSync(join(dir, 'plain-cjs.js'), 'module.exports = { fromPlain: 1 };');
    const barrel = [TSC_HELPERS, '__exportStar(require("./plain-cjs"), exports);'].join('\n');
    expect(lazyBarrelSource(barrel, join(dir, 'other.js'))).toBe(barrel);
  });

  it('leaves a file without re-exports unchanged', () => {
    const source = leaf('plain', { a: '1' });
    expect(lazyBarrelSource(source, join(dir, 'plain.js'))).toBe(source);
  });
});
