import { loadavg } from 'node:os';
import { summarize } from '../auth/latency.stats';
import type { BenchCloudProcess } from './bench-cloud.process';
import type { UploadBenchSettings } from './bench-settings';
import { readCpuSeconds, readMachineBusySeconds, readMemory, RssSampler } from './proc-stats';
import type { UploadRound, UploadVariant } from './upload-bench.results';
import { runUploadLoad, type UploadLoadResult, type UploadLoadSpec } from './upload-load.runner';
import type { UploadServerProcess } from './upload-server.process';

const MIB = 1024 * 1024;

/** What the run collects per server besides its rounds. */
export interface ServerLedger {
  server: UploadServerProcess;
  /** Upload ids of every 202 receipt this server gave (sanity check, warm-ups, timed runs). */
  receipts: Set<string>;
  /** Load runs against it: each may abandon up to `connections` requests in flight. */
  loadRuns: number;
}

export interface RoundsOutcome<V extends string = UploadVariant> {
  rounds: Array<UploadRound<V>>;
  /** Refusals and errors seen in any run, warm-ups included. */
  problems: string[];
  loadAverage1m: { before: number; after: number };
}

/**
 * The timed part: per round, each server gets a warm-up and then a timed run, the variants
 * alternating and the first one swapping every round, so a slow patch of the machine or a
 * filling stream does not always hit the same server.
 */
export async function runRounds<V extends string = UploadVariant>(
  settings: Pick<UploadBenchSettings, 'rounds' | 'warmupSeconds' | 'durationSeconds' | 'connections'>,
  ledgers: Record<V, ServerLedger>,
  cloud: BenchCloudProcess,
  request: Pick<UploadLoadSpec, 'accessTokens' | 'body'>,
): Promise<RoundsOutcome<V>> {
  const variants = Object.keys(ledgers) as V[];
  const rounds: Array<UploadRound<V>> = [];
  const problems: string[] = [];
  const before = loadavg()[0];
  for (let round = 1; round <= settings.rounds; round++) {
    const order = round % 2 === 1 ? variants : [...variants].reverse();
    for (const variant of order) {
      const ledger = ledgers[variant];
      const load = { ...request, port: ledger.server.port, connections: settings.connections };
      console.log(`round ${round}/${settings.rounds}: ${variant} (${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s timed)`);
      const { measured } = await stillRunning(variant, ledger.server, async () => {
        const warm = await runUploadLoad({ ...load, durationSeconds: settings.warmupSeconds });
        record(ledger, warm, `${variant} round ${round} warm-up`, problems);
        const timed = await timedRun(variant, round, ledger.server, cloud, { ...load, durationSeconds: settings.durationSeconds });
        record(ledger, timed.result, `${variant} round ${round}`, problems);
        return timed;
      });
      rounds.push(measured);
      const l = measured.latencyMs;
      console.log(
        `  ${Math.round(measured.requestsPerSecond)} req/s, p50 ${l.p50.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, ` +
          `non-2xx ${measured.non2xx}, peak RSS ${Math.round(measured.peakRssMiB)} MiB, ` +
          `server CPU ${Math.round(measured.serverCpuPercent)} % (${Math.round(measured.serverCpuMicrosPerRequest)} µs/request)`,
      );
    }
  }
  return { rounds, problems, loadAverage1m: { before: round2(before), after: round2(loadavg()[0]) } };
}

/** Runs `work`; if the server died meanwhile, that is the error to report, not its echoes (refused connections, no /proc entry). */
async function stillRunning<T>(variant: string, server: UploadServerProcess, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    server.assertRunning(variant);
    return result;
  } catch (error) {
    await server.settle(1_000);
    server.assertRunning(variant);
    throw error;
  }
}

function record(ledger: ServerLedger, result: UploadLoadResult, what: string, problems: string[]): void {
  ledger.loadRuns += 1;
  for (const id of result.acceptedIds) ledger.receipts.add(id);
  // Refusals, errors, another status than 202 or a body without a receipt make a run worthless: name them.
  const { non2xx, errors, timeouts, bodiesWithoutId, statuses } = result;
  const not202 = Object.entries(statuses).some(([status, count]) => status !== '202' && count > 0);
  if (not202 || non2xx + errors + timeouts + bodiesWithoutId > 0) {
    problems.push(
      `${what}: statuses ${JSON.stringify(statuses)}, ${non2xx} non-2xx, ${errors} errors, ${timeouts} timeouts, ${bodiesWithoutId} bodies without an id`,
    );
  }
}

/** One timed load run, with the server's memory sampled and everyone's CPU time read around it. */
async function timedRun<V extends string>(
  variant: V,
  round: number,
  server: UploadServerProcess,
  cloud: BenchCloudProcess,
  load: UploadLoadSpec,
): Promise<{ measured: UploadRound<V>; result: UploadLoadResult }> {
  const cpuNow = () => Promise.all([readCpuSeconds(server.pid), readCpuSeconds(cloud.pid), readMachineBusySeconds()]);
  const [serverBefore, cloudBefore, machineBefore] = await cpuNow();
  const ownBefore = process.cpuUsage();
  const sampler = new RssSampler(server.pid);
  const result = await runUploadLoad(load);
  const { peakRssBytes } = await sampler.stop();
  const own = process.cpuUsage(ownBefore);
  const [serverAfter, cloudAfter, machineAfter] = await cpuNow();
  const { hwmBytes } = await readMemory(server.pid);

  const seconds = result.durationSeconds;
  const percentOfOneCore = (cpuSeconds: number) => (cpuSeconds / seconds) * 100;
  const serverCpuPercent = percentOfOneCore(serverAfter - serverBefore);
  const cloudCpuPercent = percentOfOneCore(cloudAfter - cloudBefore);
  const loadGeneratorCpuPercent = percentOfOneCore((own.user + own.system) / 1e6);
  const machineCpuPercent = percentOfOneCore(machineAfter - machineBefore);
  const latency = summarize(result.latenciesMicros);
  return {
    result,
    measured: {
      variant,
      round,
      requestsPerSecond: result.responses / seconds,
      responses: result.responses,
      durationSeconds: seconds,
      latencyMs: { mean: latency.mean / 1e3, p50: latency.p50 / 1e3, p99: latency.p99 / 1e3, max: latency.max / 1e3 },
      statuses: result.statuses,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      bodiesWithoutId: result.bodiesWithoutId,
      serverCpuPercent,
      serverCpuMicrosPerRequest: ((serverAfter - serverBefore) * 1e6) / Math.max(1, result.responses),
      cloudCpuPercent,
      loadGeneratorCpuPercent,
      machineCpuPercent,
      otherCpuPercent: Math.max(0, machineCpuPercent - serverCpuPercent - cloudCpuPercent - loadGeneratorCpuPercent),
      peakRssMiB: peakRssBytes / MIB,
      hwmMiB: hwmBytes / MIB,
    },
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
