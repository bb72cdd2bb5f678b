import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../upload/bench-settings';

/** What one run of the worker benchmark does (command-line options, with their defaults). */
export interface WorkerBenchSettings {
  events: number;
  ceilingObjects: number;
  latencyRate: number;
  latencySeconds: number;
  latencyWarmupSeconds: number;
  /** Skip the end-to-end latency part (drain only). */
  drainOnly: boolean;
  /**
   * Extra variables for the worker of the drain (`--worker-env KINESIS_MAX_CONCURRENCY=8`,
   * repeatable): to find what limits it. Empty by default: the worker runs with its production defaults.
   */
  workerEnv: Record<string, string>;
  /** Counts the drain worker's calls by operation (call-counter.preload.js). */
  countCalls: boolean;
  /** Records a CPU profile of the drain's worker (cpu-profile.preload.js) and summarizes it. */
  profileWorker: boolean;
  out: string;
}

export function settingsFromArgs(args: string[] = process.argv.slice(2)): WorkerBenchSettings {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '20000' },
      'ceiling-objects': { type: 'string', default: '5000' },
      rate: { type: 'string', default: '200' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '3' },
      'drain-only': { type: 'boolean', default: false },
      'worker-env': { type: 'string', multiple: true, default: [] },
      'count-calls': { type: 'boolean', default: false },
      'profile-worker': { type: 'boolean', default: false },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
    },
  });
  const positive = (name: 'events' | 'ceiling-objects' | 'rate' | 'duration' | 'warmup') => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
    return value;
  };
  return {
    events: positive('events'),
    ceilingObjects: positive('ceiling-objects'),
    latencyRate: positive('rate'),
    latencySeconds: positive('duration'),
    latencyWarmupSeconds: positive('warmup'),
    drainOnly: values['drain-only'] ?? false,
    countCalls: values['count-calls'] ?? false,
    profileWorker: values['profile-worker'] ?? false,
    workerEnv: Object.fromEntries(
      (values['worker-env'] ?? []).map((pair) => {
        const match = /^([A-Z0-9_]+)=(.*)$/.exec(pair);
        if (!match) throw new Error(`--worker-env takes NAME=value, got ${pair}`);
        return [match[1], match[2]];
      }),
    ),
    out: resolve(values.out!),
  };
}
