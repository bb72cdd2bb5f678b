import type { Metafile } from 'esbuild';

/** Bytes a bundle holds per package (`node_modules/<package>`; our own code as `(app)`). */
export function weightByPackage(metafile: Metafile): Array<{ name: string; bytes: number }> {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.split('node_modules/').length > 2 ? path.slice(path.lastIndexOf('node_modules/')) : path)?.[1] ?? '(app)';
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}
