import { fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { stopChild } from '../upload/child-exit';
import { freePort } from '../../tools/local-cloud/ports';
import { readCpuSeconds, readMachineBusySeconds } from '../upload/proc-stats';
import { UploadServerProcess } from '../upload/upload-server.process';
import { StoredLogCounter } from './stored-log.counter';
import type { CloudCpuSeconds, WorkerBenchCloud } from './worker-bench.cloud';

const POLL_MS = 50;

/** One consumer draining a pre-loaded stream into S3. */
export interface DrainTiming {
  objects: number;
  /** Process spawned → the last object stored. */
  seconds: number;
  objectsPerSecond: number;
  /** Process spawned → ready (ours: GET /health answers 200), when known. */
  startupSeconds?: number;
  /** Objects per second counted from ready instead of from spawn. */
  objectsPerSecondAfterReady?: number;
  /** CPU of the consumer process over the drain, % of one core (when it could be read). */
  consumerCpuPercent?: number;
  /** CPU of the consumer process per object, µs (when it could be read). */
  consumerCpuMicrosPerObject?: number;
  /** CPU of both local cloud processes (s3rver; kinesalite, dynalite, cognito-local) per object, µs. */
  cloudCpuMicrosPerObject: number;
  cloudCpuPercent: number;
  /** s3rver's process alone. */
  s3CpuMicrosPerObject: number;
  s3CpuPercent: number;
  /** The whole machine's busy CPU (all cores; 100 % = one core): above consumer + cloud + ~10 % means other work shared it. */
  machineCpuPercent: number;
  /** Machine CPU not used by the consumer, the cloud or this process: other work sharing the machine. */
  otherCpuPercent: number;
  /** ours: "stored" log lines for an upload already stored (redeliveries); "not stored" warnings. */
  duplicates?: number;
  notStored?: number;
}

function timing(
  objects: number,
  seconds: number,
  cloudCpu: CloudCpuSeconds,
  consumerCpuSeconds: number | undefined,
  machineBusySeconds: number,
  benchCpuSeconds: number,
  startupSeconds?: number,
): DrainTiming {
  return {
    objects,
    seconds,
    objectsPerSecond: objects / seconds,
    ...(startupSeconds !== undefined ? { startupSeconds, objectsPerSecondAfterReady: objects / (seconds - startupSeconds) } : {}),
    ...(consumerCpuSeconds !== undefined
      ? { consumerCpuPercent: (consumerCpuSeconds / seconds) * 100, consumerCpuMicrosPerObject: (consumerCpuSeconds * 1e6) / objects }
      : {}),
    cloudCpuMicrosPerObject: (cloudCpu.total * 1e6) / objects,
    cloudCpuPercent: (cloudCpu.total / seconds) * 100,
    s3CpuMicrosPerObject: (cloudCpu.s3 * 1e6) / objects,
    s3CpuPercent: (cloudCpu.s3 / seconds) * 100,
    machineCpuPercent: (machineBusySeconds / seconds) * 100,
    otherCpuPercent: ((machineBusySeconds - cloudCpu.total - (consumerCpuSeconds ?? 0) - benchCpuSeconds) / seconds) * 100,
  };
}

/**
 * Ours: the built worker (NODE_ENV=production, its defaults, normal logging to a file), one
 * process, reading `stream` from the trim horizon. Done when its log reports every upload
 * stored: the worker logs "stored" after the S3 object and the status write, so the last line
 * is the last object.
 */
export async function drainWithWorker(spec: {
  entry: string;
  /** Node flags (e.g. `-r call-counter.preload.js`); none for the plain measurement. */
  execArgv: string[];
  env: NodeJS.ProcessEnv;
  expected: number;
  cloud: WorkerBenchCloud;
  logFile: string;
  timeoutMs: number;
}): Promise<DrainTiming> {
  const port = await freePort();
  const cloudCpuBefore = await spec.cloud.cpuSeconds();
  const machineBefore = await readMachineBusySeconds();
  const benchBefore = await readCpuSeconds(process.pid);
  const started = performance.now();
  closeSync(openSync(spec.logFile, 'a'));
  const counter = await StoredLogCounter.open(spec.logFile);
  const worker = await UploadServerProcess.start({
    execArgv: spec.execArgv,
    entry: spec.entry,
    env: { ...spec.env, WORKER_HEALTH_PORT: String(port) },
    port,
    readinessPath: '/health',
    logFile: spec.logFile,
  });
  const startupSeconds = (performance.now() - started) / 1000;
  try {
    const deadline = started + spec.timeoutMs;
    while ((await counter.poll()) < spec.expected) {
      worker.assertRunning('worker');
      if (performance.now() > deadline) {
        throw new Error(`the worker stored ${counter.storedIds.size} of ${spec.expected} within ${spec.timeoutMs} ms (log: ${spec.logFile})`);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const seconds = (performance.now() - started) / 1000;
    const cloudCpu = cpuSince(cloudCpuBefore, await spec.cloud.cpuSeconds());
    const workerCpu = await readCpuSeconds(worker.pid);
    const machineBusy = (await readMachineBusySeconds()) - machineBefore;
    return {
      ...timing(counter.storedIds.size, seconds, cloudCpu, workerCpu, machineBusy, (await readCpuSeconds(process.pid)) - benchBefore, startupSeconds),
      duplicates: counter.duplicates,
      notStored: counter.notStored,
    };
  } finally {
    await worker.stop();
    await counter.close();
  }
}

/** The naive consumer (naive-consumer.main.ts, built), one process; done when it says so. */
export async function drainNaively(spec: {
  entry: string;
  env: NodeJS.ProcessEnv;
  expected: number;
  cloud: WorkerBenchCloud;
  logFile: string;
  timeoutMs: number;
}): Promise<DrainTiming> {
  const log = openSync(spec.logFile, 'a');
  const cloudCpuBefore = await spec.cloud.cpuSeconds();
  const machineBefore = await readMachineBusySeconds();
  const benchBefore = await readCpuSeconds(process.pid);
  const started = performance.now();
  const child = fork(spec.entry, [], {
    execArgv: [],
    env: { ...spec.env, NAIVE_EXPECTED: String(spec.expected) },
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  try {
    let doneAt = 0;
    const { stored, consumerCpu } = await new Promise<{ stored: number; consumerCpu?: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the naive consumer did not finish within ${spec.timeoutMs} ms (log: ${spec.logFile})`)), spec.timeoutMs);
      child.on('message', (message: { type: string; stored: number }) => {
        doneAt = performance.now();
        clearTimeout(timer);
        // Read at once: the consumer exits right after its message.
        readCpuSeconds(child.pid!).then(
          (consumerCpu) => resolve({ stored: message.stored, consumerCpu }),
          () => resolve({ stored: message.stored }),
        );
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the naive consumer exited with ${code} before it finished (log: ${spec.logFile})`));
      });
    });
    const seconds = (doneAt - started) / 1000;
    const cloudCpu = cpuSince(cloudCpuBefore, await spec.cloud.cpuSeconds());
    const machineBusy = (await readMachineBusySeconds()) - machineBefore;
    return timing(stored, seconds, cloudCpu, consumerCpu, machineBusy, (await readCpuSeconds(process.pid)) - benchBefore);
  } finally {
    await stopChild(child, 'sigterm');
  }
}

export const NAIVE_SOURCE = join(__dirname, 'naive-consumer.main.ts');

/** The call counter (`--count-calls`): preloaded into the drain's worker. */
export const CALL_COUNTER = join(__dirname, 'call-counter.preload.js');

/** The CPU profiler (`--profile-worker`): preloaded into the drain's worker. */
export const CPU_PROFILER = join(__dirname, 'cpu-profile.preload.js');

function cpuSince(before: CloudCpuSeconds, after: CloudCpuSeconds): CloudCpuSeconds {
  return { s3: after.s3 - before.s3, total: after.total - before.total };
}
