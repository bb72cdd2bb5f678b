import type { LambdaWorkerBenchResults, VariantResult } from './lambda-worker-bench.results';

const n0 = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
const spread = (r: VariantResult | undefined) => {
  if (!r || r.runs.length === 0) return '–';
  const rates = r.runs.map((run) => run.recordsPerSecondPerShard);
  return `${n0(Math.min(...rates))}–${n0(Math.max(...rates))}`;
};

/** Targets: the AWS profile keeps ≥ 0.8 of loopback; at the AWS profile, ≥ 5× the one-at-a-time handler. */
export const TARGETS = { awsOverLoopback: 0.8, overOneAtATimeAtAws: 5 } as const;

export function renderLambdaWorkerBenchMarkdown(results: LambdaWorkerBenchResults): string {
  const { settings: s } = results;
  const names = [...new Set(results.results.map((r) => r.variant.name))];
  const find = (name: string, profile: 'loopback' | 'aws') => results.results.find((r) => r.variant.name === name && r.profile === profile);
  const met = (ok: boolean) => (ok ? 'met' : '**missed**');
  const lines = [
    '# Lambda worker throughput benchmark',
    '',
    `- date: ${results.date}`,
    `- command: \`${results.command}\``,
    `- machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, ${results.machine.os}; load average (1 min) ${results.loadAverage1m.before.toFixed(2)} before, ${results.loadAverage1m.after.toFixed(2)} after`,
    `- the bundled worker (\`dist/lambda/worker\`) on node ${results.node} with Lambda's options \`${results.nodeArgs.join(' ')}\`, one warm process per execution environment`,
    `- revision: ${results.revision ? `${results.revision.commit}${results.revision.uncommittedChanges ? ' plus uncommitted changes under apps/ or libs/' : ''}` : 'unknown'}`,
    `- ${s.shards} shard(s); ${s.records} records per timed drain (${s.bodyBytes}-byte inline file.uploaded events, one partition key each, as the api publishes them), ${s.rounds} rounds, variants interleaved; ${s.warmupRecords} records of untimed warm-up per variant and profile`,
    `- event source mapping modelled: batches of up to ${s.mapping.batchSize} records per shard, batching window ${s.mapping.batchingWindowMs} ms, one batch in flight per shard × parallelization factor (split by partition key), retries from batchItemFailures (at most ${s.mapping.retryAttempts}); GetRecords of up to ${s.readLimit} records`,
    `- profiles from one local cloud: loopback = the stand-ins directly; aws = through the AWS profile's proxies (seed ${s.seed}: S3 PutObject p50 25 ms / p99 150 ms, DynamoDB writes ~6–10 ms, Kinesis 5 reads/s and 2 MiB/s per shard)`,
    '',
    results.problems.length === 0
      ? '**Valid run**: every record handled with no retry, no record given up, every object in S3 (100 per drain read back and hashed).'
      : `**Problems**:\n${results.problems.map((p) => `- ${p}`).join('\n')}`,
    '',
    'Records/s per shard, median of the rounds (min–max). cN = `KINESIS_MAX_CONCURRENCY=N`; xfF = parallelization factor F (F environments per shard).',
    '',
    '| variant | loopback | min–max | AWS profile | min–max | **AWS ÷ loopback** | **AWS ÷ c1 at AWS** | invocation ms (AWS, median) | function CPU % of a core (loopback / AWS) | cloud CPU % (loopback / AWS) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...names.map((name) => {
      const loop = find(name, 'loopback');
      const aws = find(name, 'aws');
      return `| ${name} | ${n0(loop?.medianRecordsPerSecondPerShard ?? NaN)} | ${spread(loop)} | ${n0(aws?.medianRecordsPerSecondPerShard ?? NaN)} | ${spread(aws)} | **${ratio(results.awsOverLoopback[name])}** | **${ratio(results.overOneAtATimeAtAws[name])}** | ${n0(aws?.medianInvocationMs ?? NaN)} | ${n0(loop?.medianFunctionCpuPercent ?? NaN)} / ${n0(aws?.medianFunctionCpuPercent ?? NaN)} | ${n0(loop?.medianCloudCpuPercent ?? NaN)} / ${n0(aws?.medianCloudCpuPercent ?? NaN)} |`;
    }),
    '',
    ...names
      .filter((name) => name !== 'c1')
      .map((name) => {
        const a = results.awsOverLoopback[name];
        const b = results.overOneAtATimeAtAws[name];
        return `- ${name}: AWS ÷ loopback ${ratio(a)} (target ≥ ${TARGETS.awsOverLoopback}×: ${met(a >= TARGETS.awsOverLoopback)}); ÷ c1 at the AWS profile ${ratio(b)} (target ≥ ${TARGETS.overOneAtATimeAtAws}×: ${met(b >= TARGETS.overOneAtATimeAtAws)})`;
      }),
    `- c1 (one record at a time): AWS ÷ loopback ${ratio(results.awsOverLoopback.c1)}`,
    '',
    '### Every drain',
    '',
    '| variant | profile | round | records/s per shard | s | invocations | invocation ms p50 / p90 | reads (throttled) | function CPU µs/record | machine busy % | load 1m |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.results.flatMap((r) =>
      r.runs.map(
        (run) =>
          `| ${r.variant.name} | ${r.profile} | ${run.round + 1} | ${n0(run.recordsPerSecondPerShard)} | ${run.seconds.toFixed(2)} | ${run.mapping.invocations} | ${n0(run.invocationMs.median)} / ${n0(run.invocationMs.p90)} | ${run.reads.calls} (${run.reads.throttled}) | ${n0(run.functionCpuMicrosPerRecord)} | ${n0(run.machineBusyPercent)} | ${run.loadAverage1m.toFixed(1)} |`,
      ),
    ),
    '',
    'Function CPU: user + system CPU of the variant\'s environment processes during the drain. Cloud CPU: the local cloud\'s process (kinesalite, s3rver, dynalite and the AWS profile\'s proxies). Machine busy: all cores, other users\' work included (200 % = both cores of a 2-core machine).',
    '',
    'The machine is shared (2 cores, other work running): single drains vary widely; compare medians taken in the same run.',
    '',
  ];
  return lines.join('\n');
}
