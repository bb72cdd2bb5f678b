import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One upload of the steady load: when it was sent and when its 202 arrived (wall clock, ms). */
export interface AcceptedUpload {
  id: string;
  sentAtMs: number;
  acceptedAtMs: number;
}

export interface SteadyLoadResult {
  sent: number;
  accepted: AcceptedUpload[];
  /** Responses other than a 202 receipt, and requests that got no response. */
  failures: number;
  firstFailure?: string;
  /** First request sent → last response received. */
  seconds: number;
  /** First request sent → last request sent: the rate actually offered is sent / sendingSeconds. */
  sendingSeconds: number;
  /**
   * The load generator's own longest event-loop stall, ms: a response it read late counts as a
   * slow 202, so request → 202 is only the api's when this stays small.
   */
  generatorMaxStallMs: number;
}

const RECEIPT_ID = /"id":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/;

/** Wall-clock milliseconds with sub-millisecond resolution (comparable with the worker's Date). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Open-loop load: upload number i is sent at start + i / rate, whether or not earlier ones
 * were answered (a closed loop would slow down with the server and hide its queueing).
 */
export async function runSteadyUploads(spec: {
  port: number;
  accessToken: string;
  body: Buffer;
  ratePerSecond: number;
  seconds: number;
}): Promise<SteadyLoadResult> {
  // Idle keep-alive sockets are dropped after 4 s, well before the api's keep-alive timeout:
  // otherwise a socket the server is closing gets reused and the upload fails with ECONNRESET.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 4_000 });
  const total = Math.round(spec.ratePerSecond * spec.seconds);
  const accepted: AcceptedUpload[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const inFlight: Array<Promise<void>> = [];
  const fail = (reason: string) => {
    failures += 1;
    firstFailure ??= reason;
  };
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / spec.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAtMs = wallClockMs();
    inFlight.push(
      post(agent, spec).then(
        ({ status, body }) => {
          const id = RECEIPT_ID.exec(body)?.[1];
          if (status === 202 && id) accepted.push({ id, sentAtMs, acceptedAtMs: wallClockMs() });
          else fail(`${status} ${body.slice(0, 200)}`);
        },
        (error: Error) => fail(error.message),
      ),
    );
  }
  const sendingSeconds = (performance.now() - started) / 1000;
  await Promise.all(inFlight);
  stalls.disable();
  agent.destroy();
  const generatorMaxStallMs = stalls.max / 1e6;
  return { sent: total, accepted, failures, firstFailure, seconds: (performance.now() - started) / 1000, sendingSeconds, generatorMaxStallMs };
}

function post(agent: Agent, spec: { port: number; accessToken: string; body: Buffer }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: spec.port,
        path: '/uploads',
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${spec.accessToken}`,
          'content-type': 'application/octet-stream',
          'content-length': String(spec.body.length),
          'x-filename': 'bench.bin',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(spec.body);
  });
}
