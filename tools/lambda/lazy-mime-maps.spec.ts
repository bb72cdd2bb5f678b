import { build } from 'esbuild';
import { lazyMimeMaps } from './lazy-mime-maps';

/** mime-types as the bundles get it (with the plugin), evaluated on its own. */
async function bundledMimeTypes(): Promise<Record<string, any>> {
  const result = await build({
    stdin: { contents: "module.exports = require('mime-types');", resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    plugins: [lazyMimeMaps],
  });
  const module = { exports: {} as Record<string, any> };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, require);
  return module.exports;
}

describe('mime-types with lazy maps', () => {
  it('builds its maps only when they are first used, and answers as mime-types does', async () => {
    const lazy = await bundledMimeTypes();
    const real = require('mime-types') as Record<string, any>;
    // Not built yet: the maps are getters now.
    expect(typeof Object.getOwnPropertyDescriptor(lazy, 'types')?.get).toBe('function');
    // What needs no map (express's res.type/res.json path) works as before.
    expect(lazy.contentType('application/json')).toBe(real.contentType('application/json'));
    expect(lazy.charset('text/html')).toBe('UTF-8');
    // What needs them builds them, with mime-types' own conflict resolution.
    for (const name of ['json', 'html', 'x.mp4', 'file.wav', 'a.xml', 'b.js']) expect(lazy.lookup(name)).toBe(real.lookup(name));
    for (const type of ['text/html', 'application/octet-stream', 'image/svg+xml']) expect(lazy.extension(type)).toBe(real.extension(type));
    expect(Object.keys(lazy.types).length).toBe(Object.keys(real.types).length);
    expect(lazy.extensions['text/plain']).toEqual(real.extensions['text/plain']);
  });
});
