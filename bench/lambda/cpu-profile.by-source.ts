// `tsx bench/lambda/cpu-profile.by-source.ts <file.cpuprofile> [top]`: where a bundled
// function's process spent its CPU, by package (or our own folder), through the bundle's
// source map: the profile alone only knows positions in one minified file.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

const maps = new Map<string, SourceMap | null>();

function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    try {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      maps.set(url, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))));
    } catch {
      maps.set(url, null);
    }
  }
  return maps.get(url)!;
}

function groupOf(frame: ProfileNode['callFrame']): string | undefined {
  if (frame.functionName === '(idle)' || frame.functionName === '(program)') return undefined;
  if (frame.functionName === '(garbage collector)') return 'GC';
  let source = frame.url;
  const map = frame.url ? sourceMapOf(frame.url) : null;
  if (map) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string };
    source = entry.originalSource ?? source;
  }
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1];
  const own = /(apps\/\w+\/src\/[^/]+|libs\/[^/]+)/.exec(source);
  if (own) return own[1];
  if (source.startsWith('node:')) return source;
  return source === '' ? `(native) ${frame.functionName}` : source;
}

export function cpuBySource(path: string): Array<{ name: string; ms: number }> {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    const group = groupOf(node.callFrame);
    if (!node.hitCount || group === undefined) continue;
    totals.set(group, (totals.get(group) ?? 0) + node.hitCount * msPerSample);
  }
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

if (require.main === module) {
  const [file, top = '30'] = process.argv.slice(2);
  const rows = cpuBySource(file);
  const total = rows.reduce((sum, r) => sum + r.ms, 0);
  console.log(`${total.toFixed(0)} ms on CPU (idle left out)`);
  for (const { name, ms } of rows.slice(0, Number(top))) console.log(`${ms.toFixed(1).padStart(8)} ms  ${name}`);
}
