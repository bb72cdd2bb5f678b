import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** The page's sources: plain TypeScript, CSS and one HTML file. */
export const WEB_CLIENT_SOURCE = resolve(__dirname, 'src');

/** Where `npm run build` puts the page; the api serves it from there (WEB_ASSETS_DIR). */
export const WEB_CLIENT_DIST = resolve(__dirname, '..', '..', 'dist', 'apps', 'web-client');

/**
 * Bundles the page into `outDir`: `app.js` (one IIFE script, no runtime imports from
 * anywhere), `app.css`, `index.html` and `favicon.svg`. No inline script or style anywhere, so the page
 * satisfies a CSP without 'unsafe-inline'.
 */
export async function buildWebClient(outDir: string = WEB_CLIENT_DIST): Promise<string[]> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const common = { bundle: true, minify: true, legalComments: 'none', logLevel: 'warning', outdir: outDir } as const;
  await build({
    ...common,
    entryPoints: { app: join(WEB_CLIENT_SOURCE, 'main.ts') },
    format: 'iife',
    platform: 'browser',
    // Evergreen browsers; Web Crypto and XHR upload progress are the newest things used.
    target: ['chrome109', 'firefox115', 'safari16'],
    tsconfig: join(__dirname, 'tsconfig.json'),
    sourcemap: false,
  });
  await build({ ...common, entryPoints: { app: join(WEB_CLIENT_SOURCE, 'styles.css') } });
  for (const name of ['index.html', 'favicon.svg']) await copyFile(join(WEB_CLIENT_SOURCE, name), join(outDir, name));
  return (await readdir(outDir)).sort();
}
