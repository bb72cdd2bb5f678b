import type { ProfileComparison, SaturationPhase, UploadBenchResults, UploadRound } from './upload-bench.results';

/** Above this much foreign CPU (% of a core) in any timed round, the report warns. */
const SHARED_MACHINE_THRESHOLD_PERCENT = 25;

/** The targets at the AWS profile: throughput at least 0.9× loopback's, p99 at most 150 ms above it. */
export const AWS_PROFILE_TARGETS = { throughputRatio: 0.9, p99DifferenceMs: 150 } as const;

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => value.toFixed(1);
const signedMs = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(0)} ms`;

/** `bench/results/upload.md`: the numbers of upload.json, for people. */
export function renderUploadBenchMarkdown(results: UploadBenchResults): string {
  const { settings, machine } = results;
  const lines = [
    '# Upload benchmark (`POST /uploads`)',
    '',
    `- date: ${results.date}`,
    `- command: \`${results.command}\``,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; node ${results.node}`,
    `- load: autocannon, ${settings.connections} keep-alive connections, ${settings.bodyBytes}-byte body, ` +
      `the valid Cognito access tokens of ${settings.users} user(s) in turn, request by request (each token is first sent ` +
      'during the warm-up: no timed request carries a token its server has not seen before), ' +
      `${settings.warmupSeconds} s warm-up then ${settings.durationSeconds} s timed, ` +
      `${settings.rounds} round(s) with the servers alternating; everything on this machine`,
    `- servers: one process each, NODE_ENV=${settings.nodeEnv}, normal logging to a file; each publishes to a stream ` +
      'of its own on one local cloud (kinesalite, dynalite, s3rver, cognito-local, and the AWS profile\'s proxies in front of ' +
      `them, seed ${settings.awsProfileSeed ?? '–'}) in a process of its own. "loopback" servers talk to the stand-ins directly, ` +
      '"@aws" servers through the proxies (AWS latencies, Kinesis shard limits: docs/aws-profile.md)',
    ...results.servers.map((s) => `- ${s.name}: ${s.description}`),
    ...(results.revision
      ? [`- built from commit ${results.revision.commit}${results.revision.uncommittedChanges ? ' plus uncommitted changes under apps/ or libs/' : ''}`]
      : []),
    `- 1-minute load average: ${results.loadAverage1m.before} before, ${results.loadAverage1m.after} after`,
    '',
    ...sharedMachineNote(results),
    results.problems.length === 0 ? '**Valid run**: no non-2xx in the timed rounds, no errors, every 202 receipt found in the stream.' : '**INVALID RUN**:',
    ...results.problems.map((p) => `- ${p}`),
    '',
    '## Median round of each server (by requests/s)',
    '',
    '| server | requests/s | p50 ms | p99 ms | non-2xx | peak RSS MiB (timed) | VmHWM MiB | server CPU | server CPU µs/request | local cloud CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.servers.map(({ name }) => medianRow(name, results.median[name])),
    '',
    ...loopbackComparison(results),
    ...awsProfileSection(results.awsProfile),
    ...(results.saturation ? saturationSection(results.saturation) : []),
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
    'CPU columns are % of one core during the timed window (the machine has ' + machine.cores + ' cores); "cloud" is the',
    'local cloud\'s process (the stand-ins and the profile\'s proxies); "other" is the machine\'s busy time not used by the',
    'server, the local cloud or the load generator: other work sharing the machine.',
    '',
    '## Stream audit (all runs: sanity checks, warm-ups, timed rounds)',
    '',
    '| server | stream | 202 receipts | records | receipts missing from the stream | records without receipt (≤ abandoned in flight) | duplicates | unreadable |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(results.streamAudit).map(
      ([name, a]) =>
        `| ${name} | ${a.stream} | ${int(a.receipts)} | ${int(a.records)} | ${a.receiptsMissingFromStream} | ${a.recordsWithoutReceipt} (≤ ${a.abandonedBound}) | ${a.duplicateRecords} | ${a.unreadableRecords} |`,
    ),
    '',
    'Records without a receipt are uploads autocannon abandoned in flight when a run\'s time was up (the server',
    'may still publish them); at most one per connection per run.',
    '',
  ];
  return lines.join('\n');
}

function loopbackComparison(results: UploadBenchResults): string[] {
  const c = results.comparison;
  if (!c) return [];
  return [
    `Loopback, ours ÷ baseline: **${c.throughputRatio.toFixed(2)}×** the throughput, p99 ${c.p99Ratio.toFixed(2)}× the baseline's; ` +
      `without the production flag: ${c.defaultHeapThroughputRatio.toFixed(2)}× the throughput.`,
    '',
  ];
}

function awsProfileSection(comparisons: readonly ProfileComparison[]): string[] {
  if (comparisons.length === 0) return [];
  const { throughputRatio, p99DifferenceMs } = AWS_PROFILE_TARGETS;
  return [
    '## AWS profile against loopback (same run)',
    '',
    `Targets: throughput ≥ ${throughputRatio}× loopback's, p99 ≤ loopback's + ${p99DifferenceMs} ms.`,
    '',
    '| server at the AWS profile | against | throughput AWS ÷ loopback (medians) | per round: median (min … max) | p99 AWS − loopback (medians) | per round: median (min … max) | closed-loop ceiling |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...comparisons.map(
      (c) =>
        `| ${c.aws} | ${c.loopback} | **${c.throughputRatio.toFixed(2)}×** | ${c.perRound.throughputRatio.median.toFixed(2)}× ` +
        `(${c.perRound.throughputRatio.min.toFixed(2)} … ${c.perRound.throughputRatio.max.toFixed(2)}) | **${signedMs(c.p99DifferenceMs)}** | ` +
        `${signedMs(c.perRound.p99DifferenceMs.median)} (${signedMs(c.perRound.p99DifferenceMs.min)} … ${signedMs(c.perRound.p99DifferenceMs.max)}) | ` +
        `${Math.round(c.closedLoopCeiling.requestsPerSecond)} req/s = ${c.closedLoopCeiling.ratioToLoopback.toFixed(2)}× |`,
    ),
    '',
    'Closed-loop ceiling: each connection sends its next upload only once the last one is answered, and a server answers ' +
      'only once its Kinesis call returned, so N connections get at most N ÷ (mean latency of that call) uploads a second ' +
      '(Little\'s law), CPU time not counted: ' +
      [...new Map(comparisons.map((c) => [c.closedLoopCeiling.publishOperation, c.closedLoopCeiling])).values()]
        .map((c) => `${c.publishOperation} ${c.meanCallMs.toFixed(1)} ms mean`)
        .join(', ') +
      ' at the profile. Where the ceiling is below the target ratio, more connections (`--connections`) show what the ' +
      'server itself can do.',
    '',
  ];
}

function saturationSection(phase: SaturationPhase): string[] {
  const latency = (l: SaturationPhase['latencyMs']['accepted']) => (l ? `${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)}` : '–');
  return [
    '## Stream write capacity exhausted',
    '',
    `${phase.server}: the api at the AWS profile on a stream of ${phase.shards} shard(s), ${phase.connections} connections sending ` +
      `${phase.bodyBytes / 1024} KiB uploads back to back (503s included) for ${phase.durationSeconds.toFixed(1)} s.`,
    '',
    '| answers | requests/s | 202/s | 202 p50 / p99 / max ms | 503 p50 / p99 / max ms | 503 without Retry-After | 202s in the stream | records without a 202 (≤ 503s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    `| ${Object.entries(phase.statuses).map(([s, n]) => `${s}: ${int(n)}`).join(', ')} | ${int(phase.requestsPerSecond)} | ${int(phase.acceptedPerSecond)} | ` +
      `${latency(phase.latencyMs.accepted)} | ${latency(phase.latencyMs.unavailable)} | ${phase.unavailableWithoutRetryAfter} | ` +
      `${int(phase.audit.receipts - phase.audit.receiptsMissingFromStream)} of ${int(phase.audit.receipts)} | ${phase.audit.recordsWithoutReceipt} (≤ ${phase.audit.abandonedBound}) |`,
    '',
    `The publish deadline is ${phase.publishDeadlineMs} ms.`,
    '',
  ];
}

/** Other work on the machine slows the servers down; say so next to the numbers it touched. */
function sharedMachineNote(results: UploadBenchResults): string[] {
  const busiest = Math.max(...results.rounds.map((r) => r.otherCpuPercent));
  if (busiest < SHARED_MACHINE_THRESHOLD_PERCENT) return [];
  return [
    `**Shared machine**: other processes used up to ${int(busiest)} % of a core during timed rounds ` +
      '(column "other CPU" below); the servers got less CPU than on a quiet machine, so absolute numbers are low ' +
      'and noisy. The servers alternate, so the ratios suffer less.',
    '',
  ];
}

function medianRow(name: string, r: UploadRound): string {
  return (
    `| ${name} | ${int(r.requestsPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${r.non2xx} | ` +
    `${int(r.peakRssMiB)} | ${int(r.hwmMiB)} | ${int(r.serverCpuPercent)} % | ${int(r.serverCpuMicrosPerRequest)} | ${int(r.cloudCpuPercent)} % |`
  );
}
