import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** What mime-types 3 runs at import to build its extension ↔ type maps, replaced by lazy-mime-maps. */
const MIME_TYPES_EAGER_MAPS = [
  'exports.extensions = Object.create(null)\n',
  'exports.types = Object.create(null)\n',
  'populateMaps(exports.extensions, exports.types)\n',
];
const MIME_TYPES_LAZY_MAPS = `
// lazy-mime-maps: built the first time something asks for an extension or a type by extension.
var maps
function populatedMaps () {
  if (!maps) {
    maps = { extensions: Object.create(null), types: Object.create(null) }
    populateMaps(maps.extensions, maps.types)
  }
  return maps
}
Object.defineProperty(exports, 'extensions', { enumerable: true, get: function () { return populatedMaps().extensions } })
Object.defineProperty(exports, 'types', { enumerable: true, get: function () { return populatedMaps().types } })
`;

/**
 * mime-types builds its extension → type and type → extensions maps at import, scoring every
 * type of mime-db (~1,000) for conflicts; express, send, accepts and type-is load it, and an
 * upload never looks a type up by extension. The maps are built on first use instead.
 */
export const lazyMimeMaps: Plugin = {
  name: 'lazy-mime-maps',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]mime-types[\\/]index\.js$/ }, async (args) => {
      let source = await readFile(args.path, 'utf8');
      // mime-types 2 (nested copies under other packages) has another shape: left as it is.
      if (!MIME_TYPES_EAGER_MAPS.every((line) => source.includes(line))) return undefined;
      for (const line of MIME_TYPES_EAGER_MAPS) source = source.replace(line, '');
      return { contents: `${source}\n${MIME_TYPES_LAZY_MAPS}`, loader: 'js' };
    });
  },
};
