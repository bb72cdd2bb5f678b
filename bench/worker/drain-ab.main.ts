// A/B drain of worker builds, for finding what the worker's CPU per object goes to
// (`npx tsx bench/worker/drain-ab.main.ts --variant base=<dir> --variant new=<dir>[,NAME=value] [--events N]
// [--rounds R] [--profile] [--worker-env NAME=value]`): one local cloud (s3rver alone in its
// process, as in `bench:worker`), then each variant drains a pre-loaded 4-shard stream of its own,
// interleaved (a b a b …) so the machine's other load hits both alike. <dir> is a copy of
// dist/apps/worker under dist/ (so it resolves node_modules). Prints, per run, the worker's
// CPU µs per object (the number to compare on a shared machine), objects/s and the cloud's share.
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { localAppEnvironment } from '../../tools/local-cloud/local-app.environment';
import { createLocalAwsClients } from '../../tools/local-cloud/local-aws.clients';
import { baseEnvironment } from '../upload/bench-servers';
import { summarizeProfile } from './cpu-profile.summary';
import { CPU_PROFILER, drainWithWorker, type DrainTiming } from './drain.runs';
import { fileUploadedRecord } from './file-events';
import { preloadStream } from './stream-preloader';
import { WorkerBenchCloud } from './worker-bench.cloud';

const WORKER_MAIN = join('apps', 'worker', 'src', 'main.js');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      variant: { type: 'string', multiple: true, default: [] },
      events: { type: 'string', default: '10000' },
      rounds: { type: 'string', default: '2' },
      profile: { type: 'boolean', default: false },
      'worker-env': { type: 'string', multiple: true, default: [] },
    },
  });
  // name=<dir>[,NAME=value...]: the build and, optionally, settings of its own.
  const variants = values.variant!.map((spec) => {
    const [head, ...settings] = spec.split(',');
    const [name, dir] = head!.split('=');
    if (!name || !dir) throw new Error(`--variant takes name=<dir>[,NAME=value...], got ${spec}`);
    return { name, entry: join(resolve(dir), WORKER_MAIN), env: Object.fromEntries(settings.map((pair) => pair.split(/=(.*)/s).slice(0, 2))) };
  });
  if (variants.length === 0) throw new Error('give at least one --variant name=<dir>');
  const workerEnv = Object.fromEntries(values['worker-env']!.map((pair) => pair.split(/=(.*)/s).slice(0, 2)));
  const events = Number(values.events);
  const rounds = Number(values.rounds);
  const runs = Array.from({ length: rounds }, (_, round) => variants.map((variant) => ({ ...variant, round, stream: `ab-${variant.name}-${round}` }))).flat();
  const logDir = mkdtempSync(join(tmpdir(), 'drain-ab-'));
  console.log(`logs in ${logDir}`);
  const cloud = await WorkerBenchCloud.start({ streams: runs.map((run) => run.stream), buckets: runs.map((run) => run.stream), env: baseEnvironment(), logDir });
  const local = createLocalAwsClients(cloud.outputs.endpoints);
  const appEnv = localAppEnvironment(cloud.outputs);
  const common: NodeJS.ProcessEnv = { ...baseEnvironment(), ...appEnv, NODE_ENV: 'production', HOST: '127.0.0.1' };
  const rows: Array<{ name: string; round: number; timing: DrainTiming; load: number; profile?: string }> = [];
  try {
    const owner = { sub: 'bench-sub', username: cloud.outputs.demoUser.username };
    for (const run of runs) {
      await preloadStream(local.kinesis, run.stream, Array.from({ length: events }, () => fileUploadedRecord(1024, owner)));
    }
    for (const run of runs) {
      const profileFile = join(logDir, `${run.stream}.cpuprofile`);
      const timing = await drainWithWorker({
        entry: run.entry,
        execArgv: values.profile ? ['-r', CPU_PROFILER] : [],
        env: { ...common, KINESIS_STREAM_NAME: run.stream, S3_BUCKET: run.stream, CPU_PROFILE_FILE: profileFile, ...workerEnv, ...run.env },
        expected: events,
        cloud,
        logFile: join(logDir, `${run.stream}.log`),
        timeoutMs: 60_000 + events * 20,
      });
      const load = loadavg()[0]!;
      let profile: string | undefined;
      if (values.profile) {
        // The profile is written on SIGTERM, which drainWithWorker sends before it returns.
        await new Promise((resolve) => setTimeout(resolve, 500));
        profile = summarizeProfile(profileFile, 25).map((share) => `${share.name} ${share.percent.toFixed(1)}%`).join('\n    ');
      }
      rows.push({ name: run.name, round: run.round, timing, load, profile });
      console.log(line(rows.at(-1)!));
      if (profile) console.log(`    ${profile}`);
    }
    console.log('\nvariant round | objects/s | worker CPU % | worker µs/obj | s3rver µs/obj | cloud µs/obj | other CPU % | load1');
    for (const row of rows) console.log(line(row));
    for (const variant of variants) {
      const mine = rows.filter((row) => row.name === variant.name);
      const mean = (pick: (timing: DrainTiming) => number) => mine.reduce((sum, row) => sum + pick(row.timing), 0) / mine.length;
      console.log(`${variant.name} mean: ${mean((t) => t.objectsPerSecond).toFixed(0)} objects/s, worker ${mean((t) => t.consumerCpuMicrosPerObject ?? NaN).toFixed(0)} µs/obj, cloud ${mean((t) => t.cloudCpuMicrosPerObject).toFixed(0)} µs/obj`);
    }
  } finally {
    local.destroy();
    await cloud.stop();
  }
}

function line(row: { name: string; round: number; timing: DrainTiming; load: number }): string {
  const t = row.timing;
  return [
    `${row.name} ${row.round}`,
    t.objectsPerSecond.toFixed(0),
    (t.consumerCpuPercent ?? NaN).toFixed(0),
    (t.consumerCpuMicrosPerObject ?? NaN).toFixed(0),
    t.s3CpuMicrosPerObject.toFixed(0),
    t.cloudCpuMicrosPerObject.toFixed(0),
    t.otherCpuPercent.toFixed(0),
    row.load.toFixed(2),
    `dup ${t.duplicates ?? 0} notStored ${t.notStored ?? 0}`,
  ].join(' | ');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
