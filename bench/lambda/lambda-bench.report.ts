import type { TimingSummary } from './cold-start.stats';
import type { LambdaBenchResults } from './lambda-bench.results';

const ms = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const spread = (t: TimingSummary) => `${ms(t.min)}–${ms(t.max)}`;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
const ratio = (value: number) => `${value.toFixed(2)}×`;

export function renderLambdaBenchMarkdown(results: LambdaBenchResults): string {
  const { comparison: c } = results;
  const lines = [
    '# Lambda cold-start benchmark',
    '',
    `- date: ${results.date}`,
    `- command: \`${results.command}\``,
    `- machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, ${results.machine.os}`,
    `- every bundle on node ${results.node} (\`${results.nodeBinary}\`) started with Lambda's options \`${results.nodeArgs.join(' ')}\``,
    `- revision: ${results.revision ? `${results.revision.commit}${results.revision.uncommittedChanges ? ' plus uncommitted changes under apps/ or libs/' : ''}` : 'unknown'}`,
    `- ${results.runsPerSubject} fresh \`node\` processes per bundle, taken in turns (one of each bundle per round); load average (1 min) ${results.loadAverage1m.before.toFixed(2)} before, ${results.loadAverage1m.after.toFixed(2)} after`,
    `- Node's own start (\`node -e ''\`, spawn to exit): median ${ms(results.nodeStartMs.median)} ms (${spread(results.nodeStartMs)}), of which CPU ${ms(results.nodeStartCpuMs.median)} ms`,
    '',
    results.problems.length === 0
      ? `**Valid run**: every invocation answered as expected; ${results.apiRecordsInStream} api uploads answered 202 and all are in the local Kinesis; every worker batch stored its object in the local S3.`
      : `**Problems**:\n${results.problems.map((p) => `- ${p}`).join('\n')}`,
    '',
    'Cold start = `require()` of the bundle + the first invocation (which awaits the Nest app the import started), timed inside the process. Milliseconds; median (p90, min–max).',
    '',
    '| bundle | size MiB | import | first invocation | **cold start** | cold start p90 | min–max | process (spawn→exit) | CPU time |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.series.map(
      (s) =>
        `| ${s.subject} | ${mib(s.bundleBytes)} | ${ms(s.importMs.median)} | ${ms(s.invokeMs.median)} | **${ms(s.coldStartMs.median)}** | ${ms(s.coldStartMs.p90)} | ${spread(s.coldStartMs)} | ${ms(s.processMs.median)} | ${ms(s.cpuMs.median)} |`,
    ),
    '',
    'First invocations:',
    '',
    ...results.series.map((s) => `- ${s.subject} (\`${s.bundle}\`): ${s.invocation}`),
    '',
    `- api (shipped, with its code cache) ÷ bare baseline: **${ratio(c.apiOverBare)}** (target ≤ 3×: ${c.apiOverBare <= 3 ? 'met' : '**missed**'})`,
    `- api (shipped, with its code cache) ÷ api unoptimised: **${ratio(c.apiOverUnoptimised)}** (target ≤ 0.5×: ${c.apiOverUnoptimised <= 0.5 ? 'met' : '**missed**'}); in CPU time ${ratio(c.apiCpuOverUnoptimised)}`,
    `- api without its cache ÷ api unoptimised: ${ratio(c.apiNoCacheOverUnoptimised)}; ÷ bare baseline: ${ratio(c.apiNoCacheOverBare)}`,
    `- worker ÷ worker unoptimised: ${ratio(c.workerOverUnoptimised)} (without its cache: ${ratio(c.workerNoCacheOverUnoptimised)})`,
    `- other cache set-ups of the api ÷ api unoptimised: Node's module.enableCompileCache ${ratio(c.apiCompileCacheOverUnoptimised)}; our cache recorded by an import alone ${ratio(c.apiImportOnlyCacheOverUnoptimised)}`,
    '',
    'The caches hold only for the Node build, architecture and V8 flags that recorded them: on Lambda, the function\'s runtime must be that exact Node version (runtime management "Manual", see deploy/) on the same architecture; otherwise the loader ignores the cache (one log line) and the cold start is the "no-cache" row.',
    '',
    ...(results.ablation
      ? [
          '### What each optimisation saves (the api without it, same rounds)',
          '',
          'Each row: the api bundled with every optimisation except this one (no code cache). Saves = that bundle\'s median − the median of the shipped api without its cache; with this much noise a difference under ~50 ms is not a finding. `worker-without-http` does not apply to the api: its row is the optimised api bundle again, a measure of the noise.',
          '',
          '| optimisation | bundle without it, MiB | cold start without it | saves (wall) | CPU without it | saves (CPU) |',
          '|---|---:|---:|---:|---:|---:|',
          ...results.ablation.map(
            (a) => `| ${a.optimisation} | ${mib(a.bundleBytes)} | ${ms(a.coldStartMs)} | ${ms(a.savesMs)} | ${ms(a.cpuMs)} | ${ms(a.savesCpuMs)} |`,
          ),
          '',
        ]
      : []),
    'CPU time: user + system CPU of the process up to the end of the first invocation (Node\'s start included), the steadier figure when other work shares the cores.',
    '',
    'The machine is shared (2 cores, other work running): single runs vary widely, compare medians taken in the same run.',
    '',
  ];
  return lines.join('\n');
}
