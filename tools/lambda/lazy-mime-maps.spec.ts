import { lazyMimeMaps } from './lazy-mime-maps';
import { bundledPackage } from './testing/bundled-package';

describe('mime-types with lazy maps', () => {
  it('builds its maps only when they are first used, and answers as mime-types does', async () => {
    const lazy = (await bundledPackage('mime-types', [lazyMimeMaps])).exports;
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
