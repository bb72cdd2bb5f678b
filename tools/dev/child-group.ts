import { spawn, type ChildProcess } from 'node:child_process';
import { formatTag, LinePrefixer } from './line-prefixer';

/** A child of `npm start`, its output tagged. */
export interface TaggedChild {
  readonly tag: string;
  readonly process: ChildProcess;
  /** Settles when the child has exited and its output is flushed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ChildGroupOptions {
  write?: (text: string) => void;
  colour?: boolean;
  /** Tag column width, so that output lines up. */
  tagWidth?: number;
  /** How long a child may take to stop after SIGINT before it gets SIGKILL. */
  stopDeadlineMs?: number;
}

/**
 * The processes `npm start` runs side by side. Each child leads its own process group, so a
 * Ctrl-C in the terminal reaches only `npm start`, which then stops the children one signal
 * each, in reverse start order (the apps before the local cloud they use).
 */
export class ChildGroup {
  private readonly children: TaggedChild[] = [];
  private readonly write: (text: string) => void;
  private readonly colour: boolean;
  private readonly tagWidth: number;
  private readonly stopDeadlineMs: number;
  private stopping = false;
  private exitListener: (child: TaggedChild, code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;

  constructor(options: ChildGroupOptions = {}) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
    this.colour = options.colour ?? false;
    this.tagWidth = options.tagWidth ?? 0;
    this.stopDeadlineMs = options.stopDeadlineMs ?? 10_000;
  }

  /** Called when a child exits while nobody asked the group to stop. */
  onUnexpectedExit(listener: (child: TaggedChild, code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.exitListener = listener;
  }

  /** Starts `node <args>` with its stdout and stderr prefixed by `[tag]`; `onLine` sees each raw line. */
  spawn(tag: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): TaggedChild {
    const prefix = formatTag(tag, this.children.length, this.colour, this.tagWidth);
    const child = spawn(process.execPath, args, { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = new LinePrefixer(prefix, this.write, onLine);
    const err = new LinePrefixer(prefix, this.write, onLine);
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    // The pipe to its stdin is how the child notices that we are gone.
    child.stdin!.on('error', () => undefined);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', (error) => {
        this.write(`${prefix} could not start: ${error.message}\n`);
      });
      child.once('close', (code, signal) => {
        out.flush();
        err.flush();
        resolve({ code, signal });
      });
    });
    const tagged: TaggedChild = { tag, process: child, exited };
    void exited.then(({ code, signal }) => {
      if (!this.stopping) this.exitListener(tagged, code, signal);
    });
    this.children.push(tagged);
    return tagged;
  }

  /** SIGINT to each running child, newest first, waiting for each (SIGKILL after the deadline). */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const child of [...this.children].reverse()) await this.stop(child);
  }

  /** SIGKILL to everything still running (a second Ctrl-C). */
  killAll(): void {
    this.stopping = true;
    for (const { process: child } of this.children) {
      if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGKILL');
    }
  }

  private async stop({ process: child, exited }: TaggedChild): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup(child, 'SIGINT');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), this.stopDeadlineMs);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * A signal to the child's whole process group (it leads one: spawned detached), so that what
 * it started itself goes too: `nest start --watch` runs the app as a child of its own.
 */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Gone already, or no group of its own: signal the child alone.
    child.kill(signal);
  }
}
