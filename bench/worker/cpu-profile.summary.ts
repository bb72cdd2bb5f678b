import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Share of a CPU profile's samples, by where the code lives. */
export interface ProfileShare {
  name: string;
  percent: number;
}

/**
 * Self time of a V8 CPU profile (.cpuprofile) grouped by package (node_modules/<name>), by
 * the project's own folders, or by V8/Node internals: where a process spends its CPU.
 * Idle samples ("(idle)", "(program)") are left out.
 */
export function summarizeProfile(path: string, top = 15): ProfileShare[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[] };
  const totals = new Map<string, number>();
  let all = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const group = groupOf(node.callFrame);
    if (hits === 0 || group === undefined) continue;
    all += hits;
    totals.set(group, (totals.get(group) ?? 0) + hits);
  }
  return [...totals.entries()]
    .sort(([, a], [, b]) => b - a)
    .slice(0, top)
    .map(([name, hits]) => ({ name, percent: (hits / all) * 100 }));
}

function groupOf({ functionName, url }: ProfileNode['callFrame']): string | undefined {
  if (functionName === '(idle)' || functionName === '(program)') return undefined;
  if (functionName === '(garbage collector)') return 'GC';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  // The built worker, wherever it runs from (dist/apps/worker, or a copy under dist/bench/).
  const own = /\/dist\/(?:[^/]+\/)*?(libs\/[^/]+|apps\/worker\/src\/[^/]+)/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return `${url} ${functionName}`.trim();
  return url === '' ? `(native) ${functionName}` : url;
}
