import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * A CommonJS "barrel" (an index.js that re-exports other files, as tsc writes it) requires
 * every file it re-exports as soon as it is itself required, so a cold start runs modules
 * nothing ever uses (rxjs's ~110 operators, terminus's ORM health indicators, the Kinesis
 * server in the api). This rewrites a barrel so that each re-exported file is required the
 * first time one of its exports is read: the same names, the same values, later.
 *
 * Only the two shapes tsc emits are changed:
 *   var x_1 = require("./x");  Object.defineProperty(exports, "A", { ..., get: function () { return x_1.A; } });
 *   __exportStar(require("./x"), exports);          (also tslib_1.__exportStar)
 * A `require` whose variable is used any other way, and an `__exportStar` of a file whose
 * export names cannot be read statically (another package, an unknown shape), stay eager.
 */

/** `require("…")` target → file, or undefined when it is not a relative file of this package. */
export type ResolveRequire = (request: string, fromFile: string) => string | undefined;

export const resolveRelativeRequire: ResolveRequire = (request, fromFile) => {
  if (!request.startsWith('.')) return undefined;
  const base = join(dirname(fromFile), request);
  return [base, `${base}.js`, join(base, 'index.js')].find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile());
};

const LAZY_EXPORTS = '__lazyExports';
const LAZY_EXPORTS_HELPER = `function ${LAZY_EXPORTS}(target, load, names) { var m; names.forEach(function (name) { Object.defineProperty(target, name, { enumerable: true, get: function () { return (m || (m = load()))[name]; } }); }); }`;

const EXPORT_STAR = /^(?:\w+\.)?__exportStar\(require\("([^"]+)"\), exports\);$/;
const REQUIRE_VAR = /^var (\w+) = require\("([^"]+)"\);$/;

/**
 * The names a tsc-compiled CommonJS file exports, read from its text (the `exports.A = … = void 0`
 * header, `exports.A =` assignments, `Object.defineProperty(exports, "A"`, and `__exportStar`
 * of relative files, followed); undefined if any `__exportStar` cannot be followed.
 */
export function exportNamesOf(file: string, read: (file: string) => string, resolve: ResolveRequire, seen = new Set<string>()): string[] | undefined {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = read(file);
  // Exports this reading cannot list (not tsc's shape): the barrel keeps that export * eager.
  if (/\bmodule\.exports\s*=(?!=)|\bexports\[|Object\.(assign|defineProperties)\(exports\b/.test(source)) return undefined;
  const names = new Set<string>();
  for (const match of source.matchAll(/\bexports\.(\w+)\s*=(?!=)/g)) names.add(match[1]);
  for (const match of source.matchAll(/Object\.defineProperty\(exports, "(\w+)"/g)) names.add(match[1]);
  for (const line of source.split('\n')) {
    const star = EXPORT_STAR.exec(line.trim());
    if (!star) continue;
    const target = resolve(star[1], file);
    const inner = target === undefined ? undefined : exportNamesOf(target, read, resolve, seen);
    if (inner === undefined) return undefined;
    for (const name of inner) names.add(name);
  }
  names.delete('__esModule');
  names.delete('default');
  return [...names];
}

/**
 * The barrel's source with its re-exports made lazy (see above); unchanged if it has none.
 * `file` is the barrel's path, for resolving the files it re-exports.
 */
export function lazyBarrelSource(source: string, file: string, read: (file: string) => string = (f) => readFileSync(f, 'utf8'), resolve: ResolveRequire = resolveRelativeRequire): string {
  const lines = source.split('\n');
  const requireVars = new Map<string, string>();
  for (const line of lines) {
    const match = REQUIRE_VAR.exec(line.trim());
    if (match) requireVars.set(match[1], match[2]);
  }
  // A variable is lazy-able only if every other use of it is `return x_1.Name;` in a getter.
  for (const name of [...requireVars.keys()]) {
    const uses = source.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
    const getterUses = source.match(new RegExp(`return ${name}\\.\\w+; \\} \\}\\);`, 'g'))?.length ?? 0;
    if (uses !== 1 + getterUses) requireVars.delete(name);
  }
  // Names the file defines itself, or re-exports earlier, win over a later `export *` (as __exportStar does).
  const defined = new Set<string>();
  for (const match of source.matchAll(/\bexports\.(\w+)\s*=/g)) defined.add(match[1]);
  for (const match of source.matchAll(/Object\.defineProperty\(exports, "(\w+)"/g)) defined.add(match[1]);
  let changed = false;
  const out = lines.map((line) => {
    const trimmed = line.trim();
    const variable = REQUIRE_VAR.exec(trimmed);
    if (variable && requireVars.has(variable[1])) {
      changed = true;
      return `var ${variable[1]}$m; function ${variable[1]}() { return ${variable[1]}$m || (${variable[1]}$m = require(${JSON.stringify(variable[2])})); }`;
    }
    const star = EXPORT_STAR.exec(trimmed);
    if (star) {
      const target = resolve(star[1], file);
      const exported = target === undefined ? undefined : exportNamesOf(target, read, resolve);
      if (exported === undefined) return line;
      changed = true;
      const names = exported.filter((name) => !defined.has(name));
      for (const name of names) defined.add(name);
      return `${LAZY_EXPORTS}(exports, function () { return require(${JSON.stringify(star[1])}); }, ${JSON.stringify(names)});`;
    }
    return line;
  });
  if (!changed) return source;
  // One helper per barrel: a getter per name, each file required the first time one of its names is read.
  if (out.some((line) => line.startsWith(LAZY_EXPORTS))) out.push(LAZY_EXPORTS_HELPER);
  let result = out.join('\n');
  for (const name of requireVars.keys()) result = result.replace(new RegExp(`return ${name}\\.(\\w+); \\} \\}\\);`, 'g'), `return ${name}().$1; } });`);
  return result;
}

/** Rewrites every file `isBarrel` picks (see lazyBarrelSource). */
export function lazyBarrelsPlugin(isBarrel: (path: string) => boolean): Plugin {
  return {
    name: 'lazy-barrels',
    setup(build) {
      build.onLoad({ filter: /[\\/]index\.js$/ }, (args) => {
        if (!isBarrel(args.path)) return undefined;
        return { contents: lazyBarrelSource(readFileSync(args.path, 'utf8'), args.path), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}
