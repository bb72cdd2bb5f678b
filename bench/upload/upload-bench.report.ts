import { UPLOAD_VARIANTS, type UploadBenchResults, type UploadRound, type UploadVariant } from './upload-bench.results';

const LABEL: Record<UploadVariant, string> = {
  ours: 'ours (the api, dist/, production flag)',
  'ours-default-heap': 'ours, Node\'s default young generation',
  baseline: 'baseline (Express 5 + jwks-rsa + PutRecord)',
};

/** Above this much foreign CPU (% of a core) in any timed round, the report warns. */
const SHARED_MACHINE_THRESHOLD_PERCENT = 25;

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => value.toFixed(1);

/** `bench/results/upload.md`: the numbers of upload.json, for people. */
export function renderUploadBenchMarkdown(results: UploadBenchResults): string {
  const { settings, machine, comparison } = results;
  const lines = [
    '# Upload benchmark (`POST /uploads`)',
    '',
    `- date: ${results.date}`,
    `- command: \`${results.command}\``,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; node ${results.node}`,
    `- load: autocannon, ${settings.connections} keep-alive connections, ${settings.bodyBytes}-byte body, ` +
      `one valid Cognito access token, ${settings.warmupSeconds} s warm-up then ${settings.durationSeconds} s timed, ` +
      `${settings.rounds} round(s) with the variants alternating; loopback, everything on this machine`,
    `- servers: one process each, NODE_ENV=${settings.nodeEnv}, normal logging to a file; each publishes to a stream ` +
      'of 4 shards on one local cloud (kinesalite, dynalite, s3rver, cognito-local) in a process of its own',
    `- ours: ${results.servers.ours}` +
      (results.revision
        ? `; commit ${results.revision.commit}${results.revision.uncommittedChanges ? ' plus uncommitted changes under apps/ or libs/' : ''}`
        : ''),
    `- ours-default-heap: ${results.servers['ours-default-heap']}`,
    `- baseline: ${results.servers.baseline}`,
    `- 1-minute load average: ${results.loadAverage1m.before} before, ${results.loadAverage1m.after} after`,
    '',
    ...sharedMachineNote(results),
    results.problems.length === 0 ? '**Valid run**: no non-2xx, no errors, every 202 receipt found in the stream.' : '**INVALID RUN**:',
    ...results.problems.map((p) => `- ${p}`),
    '',
    '## Median round of each server (by requests/s)',
    '',
    '| server | requests/s | p50 ms | p99 ms | non-2xx | peak RSS MiB (timed) | VmHWM MiB | server CPU | server CPU µs/request | local cloud CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...UPLOAD_VARIANTS.map((v) => medianRow(v, results.median[v])),
    '',
    `ours ÷ baseline: **${comparison.throughputRatio.toFixed(2)}×** the throughput, p99 ${comparison.p99Ratio.toFixed(2)}× the baseline's; ` +
      `without the production flag: ${comparison.defaultHeapThroughputRatio.toFixed(2)}× the throughput.`,
    '',
    '## Every round',
    '',
    '| round | server | requests/s | p50 ms | p99 ms | max ms | responses | non-2xx | errors | peak RSS MiB | server CPU | server µs/request | cloud CPU | load gen CPU | other CPU |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.rounds.map(
      (r) =>
        `| ${r.round} | ${r.variant} | ${int(r.requestsPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.max)} | ` +
        `${int(r.responses)} | ${r.non2xx} | ${r.errors + r.timeouts} | ${int(r.peakRssMiB)} | ${int(r.serverCpuPercent)} % | ` +
        `${int(r.serverCpuMicrosPerRequest)} | ` +
        `${int(r.cloudCpuPercent)} % | ${int(r.loadGeneratorCpuPercent)} % | ${int(r.otherCpuPercent)} % |`,
    ),
    '',
    'CPU columns are % of one core during the timed window (the machine has ' + machine.cores + ' cores); "other" is the',
    'machine\'s busy time not used by the server, the local cloud or the load generator: other work sharing the machine.',
    '',
    '## Stream audit (all runs: sanity checks, warm-ups, timed rounds)',
    '',
    '| server | stream | 202 receipts | records | receipts missing from the stream | records without receipt (≤ abandoned in flight) | duplicates | unreadable |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...UPLOAD_VARIANTS.map((v) => {
      const a = results.streamAudit[v];
      return `| ${v} | ${a.stream} | ${int(a.receipts)} | ${int(a.records)} | ${a.receiptsMissingFromStream} | ${a.recordsWithoutReceipt} (≤ ${a.abandonedBound}) | ${a.duplicateRecords} | ${a.unreadableRecords} |`;
    }),
    '',
    'Records without a receipt are uploads autocannon abandoned in flight when a run\'s time was up (the server',
    'may still publish them); at most one per connection per run.',
    '',
  ];
  return lines.join('\n');
}

/** Other work on the machine slows the servers down; say so next to the numbers it touched. */
function sharedMachineNote(results: UploadBenchResults): string[] {
  const busiest = Math.max(...results.rounds.map((r) => r.otherCpuPercent));
  if (busiest < SHARED_MACHINE_THRESHOLD_PERCENT) return [];
  return [
    `**Shared machine**: other processes used up to ${int(busiest)} % of a core during timed rounds ` +
      '(column "other CPU" below); the servers got less CPU than on a quiet machine, so absolute numbers are low ' +
      'and noisy. The variants alternate, so the ratio suffers less.',
    '',
  ];
}

function medianRow(variant: UploadVariant, r: UploadRound): string {
  return (
    `| ${LABEL[variant]} | ${int(r.requestsPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${r.non2xx} | ` +
    `${int(r.peakRssMiB)} | ${int(r.hwmMiB)} | ${int(r.serverCpuPercent)} % | ${int(r.serverCpuMicrosPerRequest)} | ${int(r.cloudCpuPercent)} % |`
  );
}
