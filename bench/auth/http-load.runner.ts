import { Agent, request } from 'node:http';

/** One batch of requests against a server. */
export interface LoadSpec {
  port: number;
  path: string;
  /** How many requests. */
  requests: number;
  /** How many requests are in flight at once (one keep-alive connection each). */
  concurrency: number;
  /** The bearer token of request `i`. */
  tokenFor: (i: number) => string;
}

/** What a batch measured. */
export interface LoadResult {
  elapsedMicros: number;
  /** Per-request latency, request sent → response fully read, in microseconds. */
  latenciesMicros: Float64Array;
  /** Requests that did not answer 200 (a benchmark of refusals would measure nothing). */
  failures: number;
  firstFailure?: string;
}

/**
 * Sends `requests` GETs over `concurrency` keep-alive connections, each connection sending
 * its next request as soon as the previous answer is read (a closed loop, so the server is
 * saturated but never queued beyond `concurrency`).
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies = new Float64Array(spec.requests);
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const connection = async () => {
    while (next < spec.requests) {
      const i = next++;
      const started = process.hrtime.bigint();
      const { status, body } = await get(agent, spec, spec.tokenFor(i));
      latencies[i] = Number(process.hrtime.bigint() - started) / 1_000;
      if (status !== 200) {
        failures += 1;
        firstFailure ??= `${status} ${body.slice(0, 200)}`;
      }
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: spec.concurrency }, connection));
  const elapsedMicros = Number(process.hrtime.bigint() - started) / 1_000;
  agent.destroy();
  return { elapsedMicros, latenciesMicros: latencies, failures, firstFailure };
}

/** One GET with `Authorization: Bearer <token>` (an empty token sends no header). */
export function get(agent: Agent, spec: Pick<LoadSpec, 'port' | 'path'>, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    const req = request({ host: '127.0.0.1', port: spec.port, path: spec.path, agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
