import autocannon from 'autocannon';

/** One load run: POST /uploads over keep-alive connections for a fixed time. */
export interface UploadLoadSpec {
  port: number;
  connections: number;
  durationSeconds: number;
  /** Sent in turn, one request after the other: the load of several users. */
  accessTokens: readonly string[];
  /** The file sent as the raw body of every request. */
  body: Buffer;
}

/** What a run measured, as seen by the client. */
export interface UploadLoadResult {
  durationSeconds: number;
  /** Responses received (any status). */
  responses: number;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
  non2xx: number;
  /** Connection errors and timeouts (requests that got no response at all). */
  errors: number;
  timeouts: number;
  /** Responses whose body is not a 202 upload receipt with an id. */
  bodiesWithoutId: number;
  /** The ids of the receipts, in arrival order. */
  acceptedIds: string[];
  /** Per-response latency, request written → response read, in microseconds. */
  latenciesMicros: Float64Array;
}

/** `{"message":...,"file_key":"uploads/<id>.<ext>","id":"<uuid>"}`: the api's 202 body. */
const RECEIPT_ID = /"id":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/;

/**
 * Closed-loop load with autocannon: each connection sends its next upload as soon as the
 * previous answer is read. Every response body is checked for a receipt id (a benchmark of
 * refusals measures nothing), and the ids are kept so the stream can be audited against them.
 * Requests still in flight when the time is up are abandoned by autocannon: the server may
 * still publish them, so a stream holds up to `connections` records more than receipts per run.
 */
export async function runUploadLoad(spec: UploadLoadSpec): Promise<UploadLoadResult> {
  const acceptedIds: string[] = [];
  const latencies: number[] = [];
  let bodiesWithoutId = 0;
  let turn = 0;
  const nextToken = () => spec.accessTokens[turn++ % spec.accessTokens.length];
  const options: autocannon.Options = {
    url: `http://127.0.0.1:${spec.port}/uploads`,
    method: 'POST',
    connections: spec.connections,
    duration: spec.durationSeconds,
    headers: {
      'content-type': 'application/octet-stream',
      'x-filename': 'bench.bin',
    },
    body: spec.body,
    requests: [
      {
        // The users take turns, request by request, over every connection.
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${nextToken()}` } }),
      },
    ],
    verifyBody: (body) => {
      const match = RECEIPT_ID.exec(String(body ?? ''));
      if (match) acceptedIds.push(match[1]);
      else bodiesWithoutId += 1;
      return match !== null;
    },
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)));
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs * 1_000);
    });
  });
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = count ?? 0;
  return {
    durationSeconds: result.duration,
    responses: latencies.length,
    statuses,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    bodiesWithoutId,
    acceptedIds,
    latenciesMicros: Float64Array.from(latencies),
  };
}
