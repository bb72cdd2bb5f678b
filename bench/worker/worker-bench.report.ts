import type { DrainTiming } from './drain.runs';
import type { LatencySummaryMs, WorkerBenchResults } from './worker-bench.results';

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => value.toFixed(0);
const ratio = (value: number) => `${value.toFixed(2)}×`;

/** `bench/results/worker.md`: the numbers of worker.json, for people. */
export function renderWorkerBenchMarkdown(results: WorkerBenchResults, target: number): string {
  const { drain, latency, settings, machine } = results;
  const lines = [
    '# Worker benchmark (Kinesis → S3)',
    '',
    `- date: ${results.date}`,
    `- command: \`${results.command}\``,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; node ${results.node}`,
    `- revision: ${results.revision ? `${results.revision.commit}${results.revision.uncommittedChanges ? ' plus uncommitted changes under apps/ or libs/' : ''}` : 'unknown'}`,
    '- one local cloud (kinesalite, dynalite, s3rver, cognito-local) in a process of its own: one core serves all of them',
    '',
    results.problems.length === 0 ? '**Valid run**: every pre-loaded file found in its bucket, sampled bytes right, every measured upload stored.' : '**PROBLEMS**:',
    ...results.problems.map((p) => `- ${p}`),
    '',
    `## 1. Drain ${int(settings.events)} pre-loaded ${settings.bodyBytes}-byte events to S3`,
    '',
    `Valid v1 \`file.uploaded\` wire packets (inline body, payload-version 1, partition key = upload id), one ${settings.shards}-shard stream`,
    'and one bucket per consumer. Times run from the consumer\'s process being spawned to its last object stored',
    '(ours: the last "stored" line of its log, written after the object and the status write).',
    '',
    '| consumer | objects/s | seconds | consumer CPU | local cloud CPU | cloud CPU µs/object | other CPU | objects in bucket | sample bytes ok |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...drain.ceiling.map(
      (level) =>
        `| raw PutObject, ${level.concurrency} in flight | ${int(level.objectsPerSecond)} | ${level.seconds.toFixed(1)} | – | ${int(level.cloudCpuPercent)} % | ${int(level.cloudCpuMicrosPerObject)} | ${int(level.otherCpuPercent)} % | ${int(level.objects)} put | – |`,
    ),
    `| raw PutObject, ${drain.ceilingAfter.concurrency} in flight, after the consumers | ${int(drain.ceilingAfter.objectsPerSecond)} | ${drain.ceilingAfter.seconds.toFixed(1)} | – | ${int(drain.ceilingAfter.cloudCpuPercent)} % | ${int(drain.ceilingAfter.cloudCpuMicrosPerObject)} | ${int(drain.ceilingAfter.otherCpuPercent)} % | ${int(drain.ceilingAfter.objects)} put | – |`,
    drainRow('naive (GetRecords, then one PutObject at a time)', drain.naive),
    drainRow(`**ours** (the built worker, ${Object.keys(settings.workerEnv).length === 0 ? 'production defaults' : Object.entries(settings.workerEnv).map(([k, v]) => `${k}=${v}`).join(' ')})`, drain.ours),
    '',
    `CPU columns are % of one core (the machine has ${machine.cores}); "other" is the machine's busy time not used by the consumer, the`,
    'local cloud or the benchmark process: other work sharing the machine, which takes cores from the cloud and the consumer.',
    ...sharedMachineWarning(results),
    '',
    `- S3 ceiling (best of all raw runs): **${int(drain.ceilingObjectsPerSecond)} objects/s**`,
    `- ours ÷ ceiling: **${ratio(drain.oursToCeiling)}** (target ≥ ${target}: ${drain.oursToCeiling >= target ? 'met' : '**missed**'}); ` +
      `counted from the worker's readiness (start-up of ${(drain.ours.startupSeconds ?? 0).toFixed(1)} s left out): ${ratio(drain.oursAfterReadyToCeiling)}`,
    `- ours ÷ naive: **${ratio(drain.oursToNaive)}**`,
    `- ours: ${drain.ours.duplicates ?? 0} duplicate "stored" lines, ${drain.ours.notStored ?? 0} "not stored" warnings`,
    '',
    ...(drain.ours.calls
      ? [
          `- the worker's calls during the drain (--count-calls): ${Object.entries(drain.ours.calls)
            .sort(([, a], [, b]) => b - a)
            .map(([name, count]) => `${name} ${int(count)}`)
            .join(', ')}`,
          '',
        ]
      : []),
    ...(drain.ours.cpuProfile
      ? [
          `- the worker's CPU by code (--profile-worker, self time without idle): ${drain.ours.cpuProfile
            .map(({ name, percent }) => `${name} ${percent.toFixed(1)} %`)
            .join(', ')}`,
          '',
        ]
      : []),
    ...cloudCostLines(results),
  ];
  if (latency) {
    lines.push(
      `## 2. End-to-end latency at ${settings.latencyRate} uploads/s`,
      '',
      `The built api (\`node --max-semi-space-size=2\`, one process) and the built worker (one process) on a ${settings.shards}-shard stream;`,
      `open-loop load (upload i sent at i / rate), ${settings.latencySeconds} s, the first ${settings.latencyWarmupSeconds} s not counted.`,
      `End time: ${latency.endTime}; start: the 202 as received by the load generator (same machine clock).`,
      '',
      '| | p50 ms | p90 ms | p99 ms | max ms |',
      '|---|---:|---:|---:|---:|',
      latencyRow('**202 → object stored**', latency.endToEndMs),
      latencyRow('request → 202', latency.acceptMs),
      '',
      `- sent ${int(latency.sent)} at ${latency.achievedRatePerSecond.toFixed(0)}/s; accepted ${int(latency.accepted)}; failures ${latency.failures}; ` +
        `measured ${int(latency.measured)}, stored ${int(latency.storedInTime)}`,
      `- p50 of 202 → stored per 5 s of sending (flat: a fixed delay; rising: the pipeline falls behind): ${latency.endToEndP50By5sMs.join(', ')} ms`,
      `- CPU (% of one core) during the load: api ${int(latency.apiCpuPercent)} %, worker ${int(latency.workerCpuPercent)} %, local cloud ${int(latency.cloudCpuPercent)} %`,
      `- p99 ≤ 1 s: ${latency.endToEndMs.p99 <= 1000 ? 'met' : '**missed**'}`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Above this much foreign CPU (% of a core) during a drain, the numbers measure the neighbours too. */
const SHARED_MACHINE_THRESHOLD_PERCENT = 25;

function sharedMachineWarning(results: WorkerBenchResults): string[] {
  const { drain } = results;
  const worst = Math.max(...[...drain.ceiling, drain.ceilingAfter, drain.naive, drain.ours].map((run) => run.otherCpuPercent));
  if (worst <= SHARED_MACHINE_THRESHOLD_PERCENT) return [];
  return [
    '',
    `**Shared machine**: other work used up to ${int(worst)} % of a core during the drains (threshold ${SHARED_MACHINE_THRESHOLD_PERCENT} %). ` +
      'The local cloud then gets less than its core and the rates (and their ratios) are unreliable; run again on a quiet machine.',
  ];
}

/** Where the local cloud's one core goes per file: the worker's calls besides PutObject, measured alone. */
function cloudCostLines(results: WorkerBenchResults): string[] {
  const { drain } = results;
  const best = [...drain.ceiling, drain.ceilingAfter].reduce((a, b) => (b.objectsPerSecond > a.objectsPerSecond ? b : a));
  const { statusWrites, getRecords } = drain.cloudCosts;
  const predicted = best.cloudCpuMicrosPerObject + statusWrites.cloudCpuMicrosPerItem + getRecords.cloudCpuMicrosPerRecord;
  return [
    '### What the worker costs the local cloud, per file',
    '',
    'kinesalite, dynalite and s3rver share one core (one process). The worker\'s other calls, measured alone:',
    '',
    '| call | per file, cloud CPU µs | measured on |',
    '|---|---:|---|',
    `| PutObject (raw, ${best.concurrency} in flight) | ${int(best.cloudCpuMicrosPerObject)} | ${int(best.objects)} objects |`,
    `| \`stored\` status write (UploadStatusBatcher, 16 submitting) | ${int(statusWrites.cloudCpuMicrosPerItem)} | ${int(statusWrites.items)} items in ${int(statusWrites.batchCalls)} BatchWriteItem calls, ${statusWrites.seconds.toFixed(1)} s |`,
    `| GetRecords (pages of 1,000) | ${int(getRecords.cloudCpuMicrosPerRecord)} | ${int(getRecords.records)} records in ${getRecords.calls} calls, ${getRecords.seconds.toFixed(1)} s |`,
    `| sum | ${int(predicted)} | ours measured: ${int(drain.ours.cloudCpuMicrosPerObject)} (leases and checkpoints included) |`,
    '',
    `If the cloud's core were the only limit, ours could reach at most ${(best.cloudCpuMicrosPerObject / predicted).toFixed(2)}× the raw PutObject rate ` +
      '(PutObject µs ÷ sum): the status write and the read share the core S3 needs.',
    '',
  ];
}

function drainRow(label: string, d: DrainTiming & { bucket: { objects: number; sampled: number; sampleMismatches: number } }): string {
  const cpu = d.consumerCpuPercent === undefined ? '–' : `${int(d.consumerCpuPercent)} %`;
  return (
    `| ${label} | ${int(d.objectsPerSecond)} | ${d.seconds.toFixed(1)} | ${cpu} | ${int(d.cloudCpuPercent)} % | ${int(d.cloudCpuMicrosPerObject)} | ${int(d.otherCpuPercent)} % | ` +
    `${int(d.bucket.objects)} | ${d.bucket.sampled - d.bucket.sampleMismatches}/${d.bucket.sampled} |`
  );
}

function latencyRow(label: string, s: LatencySummaryMs): string {
  return `| ${label} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
}
