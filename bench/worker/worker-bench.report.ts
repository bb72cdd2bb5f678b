import type { DrainTiming } from './drain.runs';
import type { CeilingLevel } from './s3-ceiling';
import type { LatencySummaryMs, WorkerBenchResults } from './worker-bench.results';

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => value.toFixed(0);
const ratio = (value: number) => `${value.toFixed(2)}×`;

/** `bench/results/worker.md`: the numbers of worker.json, for people. */
export function renderWorkerBenchMarkdown(results: WorkerBenchResults, target: number, awsTarget: number): string {
  const { drain, latency, latencyAws, settings, machine } = results;
  const lines = [
    '# Worker benchmark (Kinesis → S3)',
    '',
    `- date: ${results.date}`,
    `- command: \`${results.command}\``,
    `- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; node ${results.node}`,
    `- revision: ${results.revision ? `${results.revision.commit}${results.revision.uncommittedChanges ? ' plus uncommitted changes under apps/ or libs/' : ''}` : 'unknown'}`,
    '- local cloud in two processes: s3rver alone in one (the S3 of the ceiling and of both consumers), kinesalite, dynalite and cognito-local in the other',
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
    '| consumer | objects/s | seconds | consumer CPU | consumer CPU µs/object | s3rver CPU | s3rver µs/object | whole cloud CPU | cloud µs/object | other CPU | objects in bucket | sample bytes ok |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...drain.ceiling.map((level) => ceilingRow(`raw PutObject, ${level.concurrency} in flight`, level)),
    ceilingRow(`raw PutObject, ${drain.ceilingAfter.concurrency} in flight, after the consumers`, drain.ceilingAfter),
    drainRow('naive (GetRecords, then one PutObject at a time)', drain.naive),
    drainRow(`**ours** (the built worker, ${Object.keys(settings.workerEnv).length === 0 ? 'production defaults' : Object.entries(settings.workerEnv).map(([k, v]) => `${k}=${v}`).join(' ')})`, drain.ours),
    drainRow(`**ours at the AWS profile** (the same worker; AWS-like latencies and Kinesis' shard limits in front of the same stand-ins, seed ${drain.awsProfileSeed})`, drain.oursAws),
    '',
    `CPU columns are % of one core (the machine has ${machine.cores}); "other" is the machine's busy time not used by the consumer, the`,
    'local cloud or the benchmark process: other work sharing the machine, which takes cores from the cloud and the consumer.',
    'For the raw PutObject rows the consumer is the benchmark process itself (the load generator, with the worker\'s S3 client).',
    ...sharedMachineWarning(results),
    '',
    `- S3 ceiling (best of all raw runs): **${int(drain.ceilingObjectsPerSecond)} objects/s**`,
    `- ours ÷ ceiling: **${ratio(drain.oursToCeiling)}** (target ≥ ${target}: ${drain.oursToCeiling >= target ? 'met' : '**missed**'}); ` +
      `counted from the worker's readiness (start-up of ${(drain.ours.startupSeconds ?? 0).toFixed(1)} s left out): ${ratio(drain.oursAfterReadyToCeiling)}`,
    `- ours ÷ naive: **${ratio(drain.oursToNaive)}**`,
    `- ours at the AWS profile ÷ ours at loopback: **${ratio(drain.oursAwsToLoopback)}** (target ≥ ${awsTarget}: ${drain.oursAwsToLoopback >= awsTarget ? 'met' : '**missed**'})`,
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
  if (latency) lines.push(...latencyLines(`## 2. End-to-end latency at ${settings.latencyRate} uploads/s`, latency, results));
  if (latencyAws) lines.push(...latencyLines(`## 3. End-to-end latency at ${settings.latencyRate} uploads/s, AWS profile`, latencyAws, results));
  return `${lines.join('\n')}\n`;
}

/** One end-to-end run: the 202 → stored percentiles and what shared the machine meanwhile. */
function latencyLines(title: string, latency: NonNullable<WorkerBenchResults['latency']>, results: WorkerBenchResults): string[] {
  const { settings } = results;
  return [
    title,
    '',
    `The built api (\`node --max-semi-space-size=2\`, one process) and the built worker (one process) on a ${settings.shards}-shard stream;`,
    `open-loop load (upload i sent at i / rate), ${settings.latencySeconds} s, the first ${settings.latencyWarmupSeconds} s not counted.`,
    `The load starts once the worker holds all ${settings.shards} leases (${latency.leasesAfterReadyMs === undefined ? '?' : int(latency.leasesAfterReadyMs)} ms after its /health answered), as a deployed worker is warm before traffic reaches it.`,
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
    `- the load generator's longest event-loop stall: ${int(latency.generatorMaxStallMs ?? 0)} ms (a stall makes the 202s it read late look slow, and their 202 → stored look shorter)`,
    `- CPU (% of one core) during the load: api ${int(latency.apiCpuPercent)} %, worker ${int(latency.workerCpuPercent)} %, local cloud ${int(latency.cloudCpuPercent)} % (s3rver ${int(latency.s3CpuPercent ?? 0)} %)`,
    `- p99 ≤ 1 s: ${latency.endToEndMs.p99 <= 1000 ? 'met' : '**missed**'}`,
    '',
  ];
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
    'The worker\'s other calls, measured alone (they land on the kinesalite/dynalite process, not on s3rver\'s):',
    '',
    '| call | per file, cloud CPU µs | measured on |',
    '|---|---:|---|',
    `| PutObject (raw, ${best.concurrency} in flight) | ${int(best.cloudCpuMicrosPerObject)} | ${int(best.objects)} objects |`,
    `| status read + conditional \`stored\` write (GetItem + PutItem, 16 at a time) | ${int(statusWrites.cloudCpuMicrosPerItem)} | ${int(statusWrites.items)} items in ${int(statusWrites.calls)} calls, ${statusWrites.seconds.toFixed(1)} s |`,
    `| GetRecords (pages of 1,000) | ${int(getRecords.cloudCpuMicrosPerRecord)} | ${int(getRecords.records)} records in ${getRecords.calls} calls, ${getRecords.seconds.toFixed(1)} s |`,
    `| sum | ${int(predicted)} | ours measured: ${int(drain.ours.cloudCpuMicrosPerObject)} (leases and checkpoints included) |`,
    '',
    `Were the stand-ins on one core, ours could reach at most ${(best.cloudCpuMicrosPerObject / predicted).toFixed(2)}× the raw PutObject rate ` +
      '(PutObject µs ÷ sum); with s3rver in a process of its own, the status writes and reads take another core, which the worker shares.',
    '',
  ];
}

function ceilingRow(label: string, level: CeilingLevel): string {
  return (
    `| ${label} | ${int(level.objectsPerSecond)} | ${level.seconds.toFixed(1)} | (load generator) | ${int(level.clientCpuMicrosPerObject)} | ` +
    `${int(level.s3CpuPercent)} % | ${int(level.s3CpuMicrosPerObject)} | ${int(level.cloudCpuPercent)} % | ${int(level.cloudCpuMicrosPerObject)} | ${int(level.otherCpuPercent)} % | ${int(level.objects)} put | – |`
  );
}

function drainRow(label: string, d: DrainTiming & { bucket: { objects: number; sampled: number; sampleMismatches: number } }): string {
  const cpu = d.consumerCpuPercent === undefined ? '–' : `${int(d.consumerCpuPercent)} %`;
  const perObject = d.consumerCpuMicrosPerObject === undefined ? '–' : int(d.consumerCpuMicrosPerObject);
  return (
    `| ${label} | ${int(d.objectsPerSecond)} | ${d.seconds.toFixed(1)} | ${cpu} | ${perObject} | ${int(d.s3CpuPercent)} % | ${int(d.s3CpuMicrosPerObject)} | ` +
    `${int(d.cloudCpuPercent)} % | ${int(d.cloudCpuMicrosPerObject)} | ${int(d.otherCpuPercent)} % | ` +
    `${int(d.bucket.objects)} | ${d.bucket.sampled - d.bucket.sampleMismatches}/${d.bucket.sampled} |`
  );
}

function latencyRow(label: string, s: LatencySummaryMs): string {
  return `| ${label} | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
}
