// `tsx bench/lambda/bundle-coverage.ts <coverage dir> <bundle.js>`: how much of a bundle a
// cold start ran, by package, from V8's coverage (run the bundle with NODE_V8_COVERAGE=<dir>).
// A function that ran was compiled in full; one that did not was only pre-parsed. Bytes that
// ran point at what to lazy-load; bytes that never ran at what need not be bundled at all.
import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface FunctionCoverage {
  functionName: string;
  ranges: Array<{ startOffset: number; endOffset: number; count: number }>;
}

function packageOf(source: string | undefined): string {
  if (!source) return '(bundler glue)';
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (pkg) return pkg[1];
  return /(apps\/\w+\/src|libs\/[^/]+)/.exec(source)?.[1] ?? source;
}

export function bundleCoverage(coverageDir: string, bundle: string): Array<{ name: string; ran: number; notRun: number }> {
  const url = pathToFileURL(bundle).href;
  const text = readFileSync(bundle, 'utf8');
  const script = readdirSync(coverageDir)
    .flatMap((file) => (JSON.parse(readFileSync(join(coverageDir, file), 'utf8')) as { result: Array<{ url: string; functions: FunctionCoverage[] }> }).result)
    .find((s) => s.url === url);
  if (!script) throw new Error(`no coverage of ${url} in ${coverageDir}`);
  // Innermost range wins: sort outer ranges first, paint inner over them.
  const ran = new Uint8Array(text.length);
  const ranges = script.functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  for (const r of ranges) ran.fill(r.count > 0 ? 1 : 0, r.startOffset, r.endOffset);
  const map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  const totals = new Map<string, { ran: number; notRun: number }>();
  let line = 0;
  let column = 0;
  let current = '(bundler glue)';
  for (let i = 0; i < text.length; i++) {
    if (column % 64 === 0) current = packageOf((map.findEntry(line, column) as { originalSource?: string }).originalSource);
    const entry = totals.get(current) ?? { ran: 0, notRun: 0 };
    if (ran[i]) entry.ran++;
    else entry.notRun++;
    totals.set(current, entry);
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 0;
    } else column++;
  }
  return [...totals].map(([name, t]) => ({ name, ...t })).sort((a, b) => b.ran - a.ran);
}

if (require.main === module) {
  const [dir, bundle, top = '40'] = process.argv.slice(2);
  const rows = bundleCoverage(dir, bundle);
  const kib = (n: number) => (n / 1024).toFixed(0).padStart(6);
  console.log(`${kib(rows.reduce((s, r) => s + r.ran, 0))} KiB ran, ${kib(rows.reduce((s, r) => s + r.notRun, 0))} KiB did not`);
  console.log('   ran  not run  package');
  for (const r of rows.slice(0, Number(top))) console.log(`${kib(r.ran)} ${kib(r.notRun)}    ${r.name}`);
}
