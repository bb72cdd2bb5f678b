import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { lambdaNodeArgs } from '../../tools/lambda/lambda-runtime';
import { lambdaNode, lambdaProcessEnv } from './invoke-bundle';

/** What one warm invocation gave. */
export interface WarmInvocation<R> {
  result: R;
  /** The handler's own time (from the call to its answer), in ms, as the process measured it. */
  handlerMs: number;
}

interface Answer {
  id: number;
  result?: unknown;
  error?: string;
  handlerMs: number;
}

const GRACE_MS = 5_000;

/**
 * One Lambda execution environment of a bundle, kept warm: a process started as
 * {@link invokeBundle} starts one (Lambda's `node` options, the bundle `require`d, `env` as the
 * whole environment), which then takes invocation after invocation, one at a time, as Lambda
 * sends an environment its next event only once the previous one was answered. For what
 * happens after the cold start: throughput, warm latency. Events and answers travel over an
 * IPC channel, so the function's own stdout and stderr (its log lines) go untouched to `logFile`.
 */
export class LambdaEnvironment<R = unknown> {
  private nextId = 0;
  private busy = false;
  private readonly waiting = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  private exitError?: Error;

  private constructor(
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    child.on('message', (answer: Answer) => {
      const call = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      call?.resolve(answer);
    });
    child.once('exit', (code, signal) => {
      this.exitError = new Error(`the environment exited (${signal ?? code}); its log: ${logFile}`);
      for (const call of this.waiting.values()) call.reject(this.exitError);
      this.waiting.clear();
    });
  }

  /** Starts the process and waits until the bundle is required (its init phase begun). */
  static async start<R = unknown>(
    bundle: string,
    env: Record<string, string>,
    logFile: string,
    nodeArgs: readonly string[] = lambdaNodeArgs(),
    node: string = lambdaNode(),
  ): Promise<LambdaEnvironment<R>> {
    // The runtime's loop, reduced: require the bundle once, then answer each event in turn.
    const script = `
      const { handler } = require(${JSON.stringify(bundle)});
      process.on('message', async ({ id, event }) => {
        const context = { awsRequestId: 'bench-' + id, functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => 120000 };
        const started = performance.now();
        try {
          const result = await handler(event, context);
          process.send({ id, result, handlerMs: performance.now() - started });
        } catch (error) {
          process.send({ id, error: String(error && error.stack || error), handlerMs: performance.now() - started });
        }
      });
      process.on('disconnect', () => process.exit(0));
      process.send({ id: -1, handlerMs: 0 });`;
    const log = openSync(logFile, 'a');
    const child = spawn(node, [...nodeArgs, '-e', script], { env: lambdaProcessEnv(env), stdio: ['ignore', log, log, 'ipc'] });
    closeSync(log);
    const environment = new LambdaEnvironment<R>(child, logFile);
    await new Promise<void>((resolve, reject) => {
      environment.waiting.set(-1, { resolve: () => resolve(), reject });
      child.once('error', reject);
    });
    return environment;
  }

  /** The process id, for CPU accounting. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Invokes the handler with `event`; refuses a second invocation while one is running, as Lambda never sends one. */
  async invoke(event: unknown): Promise<WarmInvocation<R>> {
    if (this.exitError) throw this.exitError;
    if (this.busy) throw new Error('an execution environment takes one invocation at a time');
    this.busy = true;
    try {
      const id = this.nextId++;
      const answer = await new Promise<Answer>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        this.child.send({ id, event });
      });
      if (answer.error !== undefined) throw new Error(`the handler failed: ${answer.error}`);
      return { result: answer.result as R, handlerMs: answer.handlerMs };
    } finally {
      this.busy = false;
    }
  }

  /** Ends the process (it exits on the disconnect; killed if it has not after a grace period). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const kill = setTimeout(() => this.child.kill('SIGKILL'), GRACE_MS);
    if (this.child.connected) this.child.disconnect();
    else this.child.kill('SIGTERM');
    await exited;
    clearTimeout(kill);
  }
}
