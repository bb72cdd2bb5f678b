import { Agent, request } from 'node:http';

/** A closed-loop load that keeps each answer's status and `Retry-After`, which autocannon does not report. */
export interface SaturationLoadSpec {
  port: number;
  connections: number;
  durationSeconds: number;
  /** Sent in turn, as by the timed load (several users). */
  accessTokens: readonly string[];
  body: Buffer;
}

export interface SaturationLoadResult {
  durationSeconds: number;
  /** Count per HTTP status; `error` for requests that got no answer. */
  statuses: Record<string, number>;
  /** Upload ids of the 202 receipts. */
  acceptedIds: string[];
  /** Latency (request sent → answer read) of the 202s and of the 503s, in microseconds. */
  latenciesMicros: { accepted: number[]; unavailable: number[] };
  unavailableWithoutRetryAfter: number;
}

const RECEIPT_ID = /"id":"([0-9a-f-]{36})"/;

/**
 * Each connection sends its next upload as soon as the previous answer is read, a 503 included:
 * a client that ignores `Retry-After` is the worst case for how fast the api refuses. Requests
 * still in flight when the time is up are awaited, so none is abandoned.
 */
export async function runSaturationLoad(spec: SaturationLoadSpec): Promise<SaturationLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const result: SaturationLoadResult = {
    durationSeconds: spec.durationSeconds,
    statuses: {},
    acceptedIds: [],
    latenciesMicros: { accepted: [], unavailable: [] },
    unavailableWithoutRetryAfter: 0,
  };
  let turn = 0;
  const nextToken = () => spec.accessTokens[turn++ % spec.accessTokens.length];
  const started = performance.now();
  const endsAt = started + spec.durationSeconds * 1_000;
  const loop = async () => {
    while (performance.now() < endsAt) {
      const sent = performance.now();
      const answer = await post(agent, spec, nextToken()).catch(() => undefined);
      const micros = (performance.now() - sent) * 1_000;
      const status = answer ? String(answer.status) : 'error';
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      if (answer?.status === 202) {
        const id = RECEIPT_ID.exec(answer.body)?.[1];
        if (id) result.acceptedIds.push(id);
        result.latenciesMicros.accepted.push(micros);
      } else if (answer?.status === 503) {
        result.latenciesMicros.unavailable.push(micros);
        if (!answer.retryAfter) result.unavailableWithoutRetryAfter += 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: spec.connections }, loop));
  } finally {
    agent.destroy();
  }
  result.durationSeconds = (performance.now() - started) / 1_000;
  return result;
}

function post(agent: Agent, spec: SaturationLoadSpec, accessToken: string): Promise<{ status: number; body: string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/octet-stream',
      'content-length': String(spec.body.length),
      'x-filename': 'bench.bin',
    };
    const req = request({ host: '127.0.0.1', port: spec.port, path: '/uploads', method: 'POST', headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, retryAfter: res.headers['retry-after'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}
