import { readFile } from 'node:fs/promises';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s on every common kernel. */
const TICKS_PER_SECOND = 100;
const KIB = 1024;

/** Resident memory of a process, from /proc/<pid>/status. */
export interface MemorySample {
  /** VmRSS: resident now. */
  rssBytes: number;
  /** VmHWM: the highest resident size since the process started (kept by the kernel). */
  hwmBytes: number;
}

export async function readMemory(pid: number): Promise<MemorySample> {
  return parseMemory(await readFile(`/proc/${pid}/status`, 'utf8'));
}

/** VmRSS and VmHWM from the text of /proc/<pid>/status. */
export function parseMemory(status: string): MemorySample {
  return { rssBytes: statusField(status, 'VmRSS'), hwmBytes: statusField(status, 'VmHWM') };
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${name} in /proc status`);
  return Number(match[1]) * KIB;
}

/** User + system CPU time the process has used so far, in seconds. */
export async function readCpuSeconds(pid: number): Promise<number> {
  return parseCpuSeconds(await readFile(`/proc/${pid}/stat`, 'utf8'));
}

/** utime + stime (fields 14 and 15) from the text of /proc/<pid>/stat, in seconds. */
export function parseCpuSeconds(stat: string): number {
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}

/**
 * Samples a process's VmRSS at a fixed interval while a measurement runs: the kernel's VmHWM
 * covers the whole life of the process (start-up, warm-up, earlier rounds), this covers the
 * timed window alone.
 */
export class RssSampler {
  private peakBytes = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    // A failed read means the process is gone; the load run reports that, and stop() throws.
    this.timer = setInterval(() => this.sample().catch(() => undefined), intervalMs);
    this.sample().catch(() => undefined);
  }

  private async sample(): Promise<void> {
    const { rssBytes } = await readMemory(this.pid);
    this.samples += 1;
    this.peakBytes = Math.max(this.peakBytes, rssBytes);
  }

  /** Stops sampling; returns the peak VmRSS seen and how many samples it rests on. */
  async stop(): Promise<{ peakRssBytes: number; samples: number }> {
    clearInterval(this.timer);
    await this.sample();
    return { peakRssBytes: this.peakBytes, samples: this.samples };
  }
}

/**
 * CPU time all cores have spent busy so far, in seconds (/proc/stat: everything but idle and
 * iowait). Set against the benchmark's own processes it shows whether other work shared the
 * machine during a measurement.
 */
export async function readMachineBusySeconds(): Promise<number> {
  return parseMachineBusySeconds(await readFile('/proc/stat', 'utf8'));
}

/** Busy time of all cores from the first (`cpu`) line of /proc/stat, in seconds. */
export function parseMachineBusySeconds(stat: string): number {
  const [, ...ticks] = stat.slice(0, stat.indexOf('\n')).trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}
