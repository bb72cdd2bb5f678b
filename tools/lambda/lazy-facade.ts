import type { Plugin } from 'esbuild';

/**
 * A package the api's bundle loads only when a request first uses it: the bundle gets a
 * facade module instead, and the package goes into a lazy chunk (`lazy/<name>.js`).
 */
export interface LazyPackage {
  name: string;
  /** Classes whose instances are themselves created lazily (a client no request used yet costs nothing). */
  lazyInstances: string[];
}

/** What the facade must know without loading the package: its exported functions and their static members. */
function describeExports(pkg: string): { functions: Record<string, string[]> } {
  const real = require(pkg) as Record<string, unknown>;
  const functions: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(real)) {
    if (typeof value !== 'function') continue;
    const statics = new Set<string>();
    for (let c: object | null = value; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
      for (const key of Object.getOwnPropertyNames(c)) statics.add(key);
    }
    functions[name] = [...statics].filter((key) => key !== 'name' && key !== 'length');
  }
  return { functions };
}

/** The facade's runtime: kept as a string, written into the bundle once per lazy package. */
const FACADE_RUNTIME = `
'use strict';
// Nest asks a provider's value for these (lifecycle hooks, promise check) before any request:
// answered without creating the real client.
const NOT_A_USE = new Set(['then', 'onModuleInit', 'onApplicationBootstrap', 'onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown']);
function lazyInstance(create) {
  let instance;
  const real = () => (instance ??= create());
  return new Proxy({}, {
    get(_target, key) {
      if (typeof key === 'symbol' || NOT_A_USE.has(key)) return instance === undefined ? undefined : Reflect.get(instance, key);
      // A client never used has no sockets to close.
      if (key === 'destroy' && instance === undefined) return () => undefined;
      const value = Reflect.get(real(), key);
      return typeof value === 'function' ? value.bind(instance) : value;
    },
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => key in real(),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
// A stand-in for an exported class or function: a DI token and decorator metadata without
// loading anything; constructing, calling, instanceof or a static member loads the package.
function lazyFunction(load, name, statics, lazyInstances) {
  const own = new Set(statics);
  const target = { [name]: function () {} }[name];
  return new Proxy(target, {
    get(target, key) {
      if (key === 'name') return name;
      // instanceof asks the real class; reflect-metadata and Nest read 'prototype' of every
      // token, which the placeholder's answers without loading anything.
      if (key === Symbol.hasInstance) return (value) => value instanceof load()[name];
      if (key === 'prototype') return target.prototype;
      if (own.has(key) || (typeof key === 'string' && key in Function.prototype)) {
        const real = load()[name];
        const value = Reflect.get(real, key);
        return typeof value === 'function' ? value.bind(real) : value;
      }
      return undefined; // not a member of the real export (e.g. Nest checking for forwardRef)
    },
    construct: (_target, args) => (lazyInstances ? lazyInstance(() => Reflect.construct(load()[name], args)) : Reflect.construct(load()[name], args)),
    apply: (_target, self, args) => Reflect.apply(load()[name], self, args),
    getPrototypeOf: () => Function.prototype,
  });
}
`;

export function lazyFacadePlugin(packages: readonly LazyPackage[], chunkFile: (name: string) => string): Plugin {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const filter = new RegExp(`^(${packages.map((p) => p.name.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return {
    name: 'lazy-facade',
    setup(build) {
      build.onResolve({ filter }, (args) =>
        // The lazy chunk itself is built from the real package (see lazy-chunks.ts).
        args.namespace === 'lazy-facade' ? undefined : { path: args.path, namespace: 'lazy-facade' },
      );
      build.onLoad({ filter: /.*/, namespace: 'lazy-facade' }, (args) => {
        const pkg = byName.get(args.path)!;
        const { functions } = describeExports(pkg.name);
        // Only the functions with static members beyond a function's own are listed with them.
        const statics = Object.fromEntries(Object.entries(functions).filter(([, keys]) => keys.length > 0));
        const lines = [
          FACADE_RUNTIME,
          `let loaded;`,
          `const load = () => (loaded ??= require(${JSON.stringify(chunkFile(pkg.name))}));`,
          `const functionNames = new Set(${JSON.stringify(Object.keys(functions))});`,
          `const statics = ${JSON.stringify(statics)};`,
          `const lazyInstances = new Set(${JSON.stringify(pkg.lazyInstances)});`,
          `const stand_ins = new Map();`,
          // The exports object itself is lazy: a stand-in is made when code first names an export.
          `module.exports = new Proxy({ __esModule: true }, {`,
          `  get(target, key) {`,
          `    if (key === '__esModule') return true;`,
          `    if (typeof key !== 'string') return undefined;`,
          // Anything else (the schema values…) is read from the package itself.
          `    if (!functionNames.has(key)) return load()[key];`,
          `    if (!stand_ins.has(key)) stand_ins.set(key, lazyFunction(load, key, statics[key] ?? [], lazyInstances.has(key)));`,
          `    return stand_ins.get(key);`,
          `  },`,
          `  has: (target, key) => key === '__esModule' || functionNames.has(key) || key in load(),`,
          `});`,
        ];
        return { contents: lines.join('\n'), loader: 'js', resolveDir: process.cwd() };
      });
      build.onResolve({ filter: /^\.\/lazy\//, namespace: 'lazy-facade' }, (args) => ({ path: args.path, external: true }));
    },
  };
}
