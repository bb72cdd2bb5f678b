import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { lazyBarrelsPlugin } from './lazy-barrels';
import { lazyMimeMaps } from './lazy-mime-maps';
import { lazyFacadePlugin, type LazyPackage } from './lazy-facade';
import { bundleDir, compiledAppDir, LAMBDA_FUNCTIONS, type BundleVariant, type LambdaFunctionName } from './lambda-functions';
import { pinnedNodeMajor } from '../node/pinned-node';

/**
 * Packages Nest and its modules `require` only when an app uses the matching feature (other
 * transports, websockets, ORMs for terminus, validation): never reached here, so they stay
 * out of the bundle instead of failing the build. The api uses ioredis itself (its shared
 * rate limits, see {@link neverLoadedBy}).
 */
export const NEVER_LOADED = [
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-socket.io',
  '@nestjs/platform-fastify',
  '@fastify/*',
  'kafkajs',
  'mqtt',
  'nats',
  'ioredis',
  'amqplib',
  'amqp-connection-manager',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'class-transformer',
  'class-transformer/*',
  'class-validator',
  '@nestjs/typeorm',
  '@nestjs/mongoose',
  '@nestjs/sequelize',
  '@mikro-orm/core',
  '@nestjs/axios',
  '@prisma/client',
  'typeorm',
  'mongoose',
  'sequelize',
];

/** What a function's bundle leaves out: the api bundles ioredis, its rate-limit store's client. */
export function neverLoadedBy(fn: LambdaFunctionName): string[] {
  return fn === 'api' ? NEVER_LOADED.filter((name) => name !== 'ioredis') : NEVER_LOADED;
}

/**
 * `@lib/<name>` → the compiled library next to the app (tsc leaves path aliases as written).
 * Runs before esbuild's own tsconfig `paths` lookup, which would pick the TypeScript sources
 * and lose their decorator metadata.
 */
export function libAliasPlugin(compiledDir: string): Plugin {
  return {
    name: 'lib-alias',
    setup(build) {
      build.onResolve({ filter: /^@lib\/[\w-]+$/ }, (args) => ({
        path: join(compiledDir, 'libs', args.path.slice('@lib/'.length), 'src', 'index.js'),
      }));
    },
  };
}

const STUBS = join(__dirname, 'stubs');

/**
 * Packages the SDK `require`s only inside functions, for credential sources other than the
 * environment (SSO, profiles, process, web identity, container/instance metadata) or for
 * browsers (bowser): on Lambda the credentials come from the environment, so these are never
 * loaded. Each goes into a file of its own next to the bundle (`lazy/<name>.js`), loaded if
 * ever needed, instead of being parsed by every cold start (~135 KiB).
 */
export const LAZY_CHUNKS = [
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  'bowser',
] as const;

/** Packages behind a lazy facade in the api's bundle (optimisation `lazy-s3`). */
export const API_LAZY_PACKAGES: readonly LazyPackage[] = [
  { name: '@aws-sdk/client-s3', lazyInstances: ['S3Client'] },
  { name: '@aws-sdk/s3-request-presigner', lazyInstances: [] },
];

/** The file a lazy chunk is bundled into, relative to the function's bundle. */
export function lazyChunkFile(name: string): string {
  return `./lazy/${name.replace(/^@/, '').replace(/\//g, '-')}.js`;
}

/**
 * What the optimised bundles do differently, each a plugin of its own (see the README's
 * Lambda section for what each one saved):
 * - `iconv-lite` → stubs/iconv-lite.ts (TextDecoder), ~480 KiB less to parse;
 * - `multer` → stubs/multer.js (the FileInterceptor family is unused);
 * - mime-db's table reduced to what mime-types reads (extensions, charset, source);
 * - `@nestjs/swagger` → stubs/nestjs-swagger.js (its decorators as no-ops), and for the api
 *   docs/api-docs → docs/static-api-docs (the document generated at build time, served from files);
 * - the worker: `@nestjs/platform-express` → stubs/no-http-adapter.js (it serves no HTTP);
 * - the SDK's never-used credential sources in lazy chunks (LAZY_CHUNKS);
 * - zod's 60 error-message locales (~320 KiB, all loaded by `import 'zod'`) in a lazy chunk,
 *   English (the default) kept in the bundle;
 * - @nestjs/microservices' clients and servers for gRPC, Kafka, MQTT, NATS, Redis and RabbitMQ
 *   (its index loads them all) → stand-ins that fail clearly if ever used;
 * - `semver` → stubs/semver.ts (jsonwebtoken's three version checks at import);
 * - the api: `@aws-sdk/client-s3` and the S3 presigner behind facades (lazy-facade.ts) that
 *   load them from lazy chunks when a request first needs S3 (staged or presigned uploads,
 *   downloads; an inline upload never does), and an S3Client built only when first used;
 * - one tslib instead of one per @nestjs package;
 * - barrels (index.js files re-exporting others) of rxjs, @nestjs/* and our own compiled code
 *   that require each re-exported file on first use (lazy-barrels.ts, LAZY_BARRELS);
 * - zod without its JIT (ZOD_GLOBAL_CONFIG);
 * - mime-types' extension maps built on first use (lazy-mime-maps).
 */
export const OPTIMISATIONS = [
  'zod-lazy-locales',
  'unused-transports-stub',
  'iconv-lite-stub',
  'multer-stub',
  'mime-db-trim',
  'swagger-stub',
  'worker-without-http',
  'lazy-credential-chunks',
  'lazy-s3',
  'semver-stub',
  'single-tslib',
  'lazy-barrels',
  'zod-jitless',
  'lazy-mime-maps',
] as const;
export type Optimisation = (typeof OPTIMISATIONS)[number];

function replacePackages(name: string, replacements: Record<string, string>): Plugin {
  const filter = new RegExp(`^(${Object.keys(replacements).map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return { name, setup: (build) => void build.onResolve({ filter }, (args) => ({ path: replacements[args.path] })) };
}

/**
 * mime-db's JSON with only what mime-types uses (entries with extensions or a charset, and
 * those fields: ~280 → ~65 KiB), loaded with JSON.parse.
 */
const mimeDbTrim: Plugin = {
  name: 'mime-db-trim',
  setup(build) {
    build.onLoad({ filter: /[\\/]mime-db[\\/]db\.json$/ }, async (args) => {
      const db = JSON.parse(await readFile(args.path, 'utf8')) as Record<string, { source?: string; charset?: string; extensions?: string[] }>;
      const kept = Object.fromEntries(
        Object.entries(db)
          .filter(([, entry]) => entry.extensions !== undefined || entry.charset !== undefined)
          .map(([type, { source, charset, extensions }]) => [type, { source, charset, extensions }]),
      );
      // As a string for JSON.parse: V8 parses JSON much faster than the same object literal in code.
      return { contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(kept))});`, loader: 'js' };
    });
  },
};

/** The api's compiled docs/api-docs.js → docs/static-api-docs.js (same exports). */
const staticApiDocs: Plugin = {
  name: 'static-api-docs',
  setup(build) {
    build.onResolve({ filter: /[\\/]docs[\\/]api-docs$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/api-docs$/, 'static-api-docs.js')) }));
  },
};

const lazyCredentialChunks: Plugin = {
  name: 'lazy-credential-chunks',
  setup(build) {
    const filter = new RegExp(`^(${LAZY_CHUNKS.map((p) => p.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: lazyChunkFile(args.path), external: true }));
  },
};

/** zod's locales index, the chunk its locales go to, and the one kept in the bundle. */
const ZOD_LOCALES_INDEX = join(dirname(require.resolve('zod/package.json')), 'v4', 'locales', 'index.cjs');
export const ZOD_LOCALES_CHUNK = { name: 'zod-locales', module: ZOD_LOCALES_INDEX };

const zodLazyLocales: Plugin = {
  name: 'zod-lazy-locales',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.cjs$/ }, (args) => {
      const names = Object.keys(require(args.path) as object).filter((name) => name !== 'en');
      return {
        resolveDir: dirname(args.path),
        loader: 'js',
        contents: [
          "'use strict';",
          "Object.defineProperty(exports, '__esModule', { value: true });",
          "const en = require('./en.cjs');",
          "Object.defineProperty(exports, 'en', { enumerable: true, get: () => en.default });",
          '// The other locales: loaded from their chunk the first time one is asked for.',
          `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => require(${JSON.stringify(lazyChunkFile(ZOD_LOCALES_CHUNK.name))})[name] });`,
        ].join('\n'),
      };
    });
    build.onResolve({ filter: /^\.\/lazy\// }, (args) => ({ path: args.path, external: true }));
  },
};

/** Files of @nestjs/microservices for transports this project does not use. */
const UNUSED_TRANSPORTS = /[\\/]@nestjs[\\/]microservices[\\/](client[\\/]client|server[\\/]server)-(grpc|kafka|mqtt|nats|redis|rmq)\.js$/;

const unusedTransportsStub: Plugin = {
  name: 'unused-transports-stub',
  setup(build) {
    build.onLoad({ filter: UNUSED_TRANSPORTS }, async (args) => {
      // Export names from the compiled source (requiring it here would run Nest's decorators).
      const source = await readFile(args.path, 'utf8');
      const names = [...new Set([...source.matchAll(/^exports\.(\w+) = (?!void 0)/gm)].map((m) => m[1]))];
      const file = args.path.slice(args.path.lastIndexOf('@nestjs'));
      const refusal = (name: string) => `throw new Error(${JSON.stringify(`${name} (${file}) is not in the Lambda bundle: this project uses its own Kinesis transport`)});`;
      // Classes stay classes (Nest tests `server instanceof ServerGrpc`); using one throws.
      const exports = names.map((name) =>
        new RegExp(`\\bclass ${name}\\b`).test(source)
          ? `exports.${name} = class ${name} { constructor() { ${refusal(name)} } };`
          : `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get() { ${refusal(name)} } });`,
      );
      return { loader: 'js', contents: ["'use strict';", "Object.defineProperty(exports, '__esModule', { value: true });", ...exports].join('\n') };
    });
  },
};

/**
 * Barrels whose re-exports are required on first use (lazy-barrels.ts): rxjs and its operators
 * (Nest uses a handful of ~200 modules), the @nestjs packages (core's REPL and inspector
 * exports, terminus's health indicators for ORMs and transports this project does not have…),
 * and our own compiled libraries and app folders (the api needs the Kinesis client, not the
 * server, leases and dead-letter redrive the same barrel exports).
 */
const LAZY_BARRELS = [
  /[\\/]node_modules[\\/]rxjs[\\/]dist[\\/]cjs[\\/](operators[\\/])?index\.js$/,
  /[\\/]node_modules[\\/]@nestjs[\\/]\w[\w-]*[\\/](.+[\\/])?index\.js$/,
  /[\\/]dist[\\/]lambda-build[\\/]\w+[\\/](libs|apps)[\\/].+[\\/]index\.js$/,
];

/**
 * One tslib for the whole bundle: each @nestjs package has its own copy (2.8) next to the
 * root one (2.9, same helpers), ~12 KiB each to parse.
 */
const singleTslib: Plugin = {
  name: 'single-tslib',
  setup(build) {
    // The ES module build, which esbuild picks for each copy anyway (tslib's `module` condition).
    const tslib = join(dirname(require.resolve('tslib/package.json')), 'tslib.es6.mjs');
    build.onResolve({ filter: /^tslib$/ }, () => ({ path: tslib }));
  },
};

/** zod's global configuration as first created, in zod/v4/core/core.cjs. */
const ZOD_GLOBAL_CONFIG = '(_a.__zod_globalConfig = {})';

/**
 * zod 4 compiles a fast parser for each object schema (`new Function`) the first time it
 * parses: ~2–4 ms per schema, paid again by every cold start (the environment, the token
 * claims, the event contract…), for about 1 µs less per warm parse. On Lambda, zod runs
 * jitless: its global configuration starts as `{ jitless: true }` (z.config can still change it).
 */
export const zodJitless: Plugin = {
  name: 'zod-jitless',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]core[\\/]core\.cjs$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      // Fails the build if zod changed the line, rather than shipping the JIT silently.
      if (!source.includes(ZOD_GLOBAL_CONFIG)) throw new Error(`zod-jitless: ${ZOD_GLOBAL_CONFIG} not found in ${args.path}`);
      return { contents: source.replace(ZOD_GLOBAL_CONFIG, '(_a.__zod_globalConfig = { jitless: true })'), loader: 'js' };
    });
  },
};

function optimisationPlugins(fn: LambdaFunctionName, enabled: ReadonlySet<Optimisation>): Plugin[] {
  const plugins: Plugin[] = [];
  if (enabled.has('zod-lazy-locales')) plugins.push(zodLazyLocales);
  if (enabled.has('unused-transports-stub')) plugins.push(unusedTransportsStub);
  if (enabled.has('iconv-lite-stub')) plugins.push(replacePackages('iconv-lite-stub', { 'iconv-lite': join(STUBS, 'iconv-lite.ts') }));
  if (enabled.has('multer-stub')) plugins.push(replacePackages('multer-stub', { multer: join(STUBS, 'multer.js') }));
  if (enabled.has('mime-db-trim')) plugins.push(mimeDbTrim);
  if (enabled.has('semver-stub')) plugins.push(replacePackages('semver-stub', { semver: join(STUBS, 'semver.ts') }));
  if (enabled.has('swagger-stub')) {
    plugins.push(replacePackages('swagger-stub', { '@nestjs/swagger': join(STUBS, 'nestjs-swagger.js') }));
    // The api's docs can no longer be generated at start-up: they come prebuilt (static-docs.ts).
    if (fn === 'api') plugins.push(staticApiDocs);
  }
  if (enabled.has('worker-without-http') && fn === 'worker') {
    plugins.push(replacePackages('worker-without-http', { '@nestjs/platform-express': join(STUBS, 'no-http-adapter.js') }));
  }
  if (enabled.has('lazy-credential-chunks')) plugins.push(lazyCredentialChunks);
  if (enabled.has('lazy-s3') && fn === 'api') plugins.push(lazyFacadePlugin(API_LAZY_PACKAGES, lazyChunkFile));
  if (enabled.has('single-tslib')) plugins.push(singleTslib);
  if (enabled.has('zod-jitless')) plugins.push(zodJitless);
  if (enabled.has('lazy-mime-maps')) plugins.push(lazyMimeMaps);
  if (enabled.has('lazy-barrels')) plugins.push(lazyBarrelsPlugin((path) => LAZY_BARRELS.some((barrel) => barrel.test(path))));
  return plugins;
}

/** Shared by the functions' bundles, their lazy chunks and the benchmark's baseline. */
export const COMMON_BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  sourcemap: true,
  platform: 'node',
  // The Node line the functions run on (.node-version, as the Lambda runtime in deploy/).
  target: `node${pinnedNodeMajor()}`,
  format: 'cjs',
  // Minified class names would change what Nest logs (controller and provider names).
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
} as const satisfies BuildOptions;

export function bundleOptions(
  fn: LambdaFunctionName,
  variant: BundleVariant,
  enabled: ReadonlySet<Optimisation> = new Set(variant === 'optimised' ? OPTIMISATIONS : []),
  outfile: string = join(bundleDir(variant, fn), 'index.js'),
): BuildOptions & { outfile: string } {
  const compiledDir = compiledAppDir(fn);
  return {
    ...COMMON_BUILD_OPTIONS,
    entryPoints: [join(compiledDir, LAMBDA_FUNCTIONS[fn].entry)],
    outfile,
    external: neverLoadedBy(fn),
    metafile: true,
    plugins: [...optimisationPlugins(fn, enabled), libAliasPlugin(compiledDir)],
  };
}
