import { build, type Plugin } from 'esbuild';

/**
 * A package as a Lambda bundle gets it through `plugins`: bundled alone by esbuild (CommonJS,
 * for Node) and evaluated on its own, with `load` as its `require` for what stays outside the
 * bundle (lazy chunks). For the specs of the bundle's plugins. The exports come wrapped: a
 * promise resolved with them directly would read their `then`, which loads a lazy facade.
 */
export async function bundledPackage(
  name: string,
  plugins: Plugin[],
  load: (id: string) => unknown = require,
): Promise<{ exports: Record<string, any> }> {
  const result = await build({
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    plugins,
  });
  const module = { exports: {} as Record<string, any> };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, load);
  return { exports: module.exports };
}
