import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { AMZ_JSON, PUT_RECORD, PUT_RECORDS, RECORD_ERROR_MESSAGES, sendAwsJson, sendAwsJsonError, TARGET_PREFIX } from './aws-json';
import { applyFaults, NO_FAULTS, type KinesisFaults, type RecordErrorCode, type RequestFailureKind } from './kinesis-faults';
import { mergePutRecordsResponse, splitPutRecords, type PutRecordsResponseBody } from './put-records.split';
import { freshSeed, pickWeighted, seededRandom, type RandomSource } from './seeded-random';

export interface FaultyKinesisProxyOptions {
  /** kinesalite's base URL, e.g. `http://127.0.0.1:4567`. */
  target: string;
  /** Where the proxy listens; default 127.0.0.1 on a free port. */
  host?: string;
  port?: number;
  /** Seed for every random choice; the same seed and the same request order fail the same records. */
  seed?: number;
  faults?: Partial<KinesisFaults>;
}

/** What the proxy saw and did since it started (or since `resetStats`). */
export interface FaultyKinesisStats {
  seed: number;
  /** HTTP requests received (connections reset while `down` are not requests). */
  requests: number;
  /** The same, by operation (`PutRecords`, `PutRecord`, ...): shows whether a publisher batches. */
  requestsByOperation: Record<string, number>;
  /** Records passed on to kinesalite (PutRecord counts one). */
  recordsForwarded: number;
  /** Records failed by `recordFailureRate` (never forwarded). */
  recordsFailed: number;
  /** Requests failed as a whole by `requestFailureRate`, by kind. */
  requestsFailed: number;
  requestFailuresByKind: Record<RequestFailureKind, number>;
  /** Connections reset because Kinesis was `down`. */
  connectionsRefused: number;
}

interface ForwardedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Hop-by-hop and length headers: recomputed for each leg, never copied across. */
const NOT_COPIED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

/**
 * A test-only HTTP proxy in front of kinesalite that makes Kinesis misbehave the ways the real
 * one does and kinesalite never does: per-record PutRecords failures, throttled or failing
 * requests, dropped connections, an outage, latency. Point an SDK client's Kinesis endpoint
 * (or an app's `AWS_ENDPOINT_URL_KINESIS`) at `endpoint`. A failed record is never forwarded,
 * so "the response says it failed" and "it is not in the stream" always agree.
 */
export class FaultyKinesisProxy {
  private faults: KinesisFaults;
  private random: RandomSource;
  private counters: FaultyKinesisStats;
  private readonly sockets = new Set<Socket>();
  // Its own keep-alive pool towards kinesalite, separate from the callers' connections.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128 });

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
    options: FaultyKinesisProxyOptions,
  ) {
    this.faults = applyFaults(NO_FAULTS, options.faults ?? {});
    const seed = options.seed ?? freshSeed();
    this.random = seededRandom(seed);
    this.counters = emptyStats(seed);
  }

  static async start(options: FaultyKinesisProxyOptions): Promise<FaultyKinesisProxy> {
    const server = createServer();
    const proxy = new FaultyKinesisProxy(server, new URL(options.target), options);
    server.on('connection', (socket) => proxy.onConnection(socket));
    server.on('request', (req, res) => void proxy.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return proxy;
  }

  /** The URL to give SDK clients as their Kinesis endpoint. */
  get endpoint(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  get currentFaults(): Readonly<KinesisFaults> {
    return this.faults;
  }

  /** A copy: later requests do not change what a test already read. */
  get stats(): FaultyKinesisStats {
    return {
      ...this.counters,
      requestsByOperation: { ...this.counters.requestsByOperation },
      requestFailuresByKind: { ...this.counters.requestFailuresByKind },
    };
  }

  /**
   * Changes some faults now; the others stay. `seed` restarts the random choices. Going
   * `down` resets every open connection at once, so keep-alive sockets cannot slip through.
   */
  configure(change: Partial<KinesisFaults> & { seed?: number }): void {
    const { seed, ...faults } = change;
    this.faults = applyFaults(this.faults, faults);
    if (seed !== undefined) {
      this.random = seededRandom(seed);
      this.counters.seed = seed;
    }
    if (this.faults.down) for (const socket of this.sockets) this.refuse(socket);
  }

  resetStats(): void {
    this.counters = emptyStats(this.counters.seed);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.agent.destroy();
    await closed;
  }

  private onConnection(socket: Socket): void {
    if (this.faults.down) {
      this.counters.connectionsRefused += 1;
      socket.resetAndDestroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private refuse(socket: Socket): void {
    this.counters.connectionsRefused += 1;
    socket.resetAndDestroy();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      if (this.faults.down) return this.refuse(req.socket);
      this.counters.requests += 1;
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target || 'unknown';
      this.counters.requestsByOperation[operation] = (this.counters.requestsByOperation[operation] ?? 0) + 1;
      const isWrite = target === PUT_RECORD || target === PUT_RECORDS;
      const json = String(req.headers['content-type'] ?? '').startsWith(AMZ_JSON);

      if ((isWrite || this.faults.requestFailureTargets === 'all') && this.chance(this.faults.requestFailureRate)) {
        return await this.failRequest(req, res, body, pickWeighted(this.random, this.faults.requestFailureMix));
      }
      if (target === PUT_RECORDS && json && this.faults.recordFailureRate > 0) {
        return await this.putRecordsWithFailures(req, res, body);
      }
      if (target === PUT_RECORD && this.chance(this.faults.recordFailureRate)) {
        this.counters.recordsFailed += 1;
        return this.failRecordRequest(res, this.pickRecordError(), streamNameOf(body));
      }
      if (isWrite) this.counters.recordsForwarded += countRecords(target, body);
      this.reply(res, await this.forward(req, body));
    } catch {
      // kinesalite unreachable or the caller gone: the caller sees a network error.
      req.socket.destroy();
    }
  }

  private async failRequest(req: IncomingMessage, res: ServerResponse, body: Buffer, kind: RequestFailureKind): Promise<void> {
    this.counters.requestsFailed += 1;
    this.counters.requestFailuresByKind[kind] += 1;
    const stream = streamNameOf(body);
    switch (kind) {
      case 'throttle':
        return sendAwsJsonError(
          res,
          400,
          'ProvisionedThroughputExceededException',
          RECORD_ERROR_MESSAGES.ProvisionedThroughputExceededException(stream),
        );
      case 'internal':
        return sendAwsJsonError(res, 500, 'InternalFailure', RECORD_ERROR_MESSAGES.InternalFailure());
      case 'disconnect':
        return void req.socket.resetAndDestroy();
      case 'lost-response': {
        const target = String(req.headers['x-amz-target'] ?? '');
        this.counters.recordsForwarded += countRecords(target, body);
        await this.forward(req, body);
        return void req.socket.resetAndDestroy();
      }
    }
  }

  /** A single-record PutRecord that "fails its record" fails as a whole, as Kinesis does. */
  private failRecordRequest(res: ServerResponse, code: RecordErrorCode, stream: string): void {
    const status = code === 'InternalFailure' ? 500 : 400;
    sendAwsJsonError(res, status, code, RECORD_ERROR_MESSAGES[code](stream));
  }

  private async putRecordsWithFailures(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const split = splitPutRecords(body.toString('utf8'), () =>
      this.chance(this.faults.recordFailureRate) ? this.pickRecordError() : undefined,
    );
    if (split === undefined) return this.reply(res, await this.forward(req, body));
    const failed = split.failures.filter((f) => f !== undefined).length;
    this.counters.recordsFailed += failed;
    if (split.forwardBody === undefined) return sendAwsJson(res, 200, mergePutRecordsResponse(split, undefined));

    this.counters.recordsForwarded += split.failures.length - failed;
    const forwarded = await this.forward(req, Buffer.from(split.forwardBody, 'utf8'));
    // An error from kinesalite (no such stream, bad request) concerns the whole call: pass it on.
    if (forwarded.statusCode !== 200) return this.reply(res, forwarded);
    const merged = mergePutRecordsResponse(split, JSON.parse(forwarded.body.toString('utf8')) as PutRecordsResponseBody);
    sendAwsJson(res, 200, merged);
  }

  private async forward(req: IncomingMessage, body: Buffer): Promise<ForwardedResponse> {
    if (this.faults.latencyMs > 0) await delay(this.faults.latencyMs);
    // Went down while this call waited: it never reaches Kinesis (the caller's socket is gone).
    if (this.faults.down) throw new Error('Kinesis is down');
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !NOT_COPIED.has(name)) headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    const { protocol, hostname, port } = this.target;
    return new Promise<ForwardedResponse>((resolve, reject) => {
      const options = { protocol, hostname, port, path: req.url, method: req.method, headers, agent: this.agent };
      const outgoing = httpRequest(options, (incoming) => {
        readBody(incoming).then(
          (responseBody) => resolve({ statusCode: incoming.statusCode ?? 502, headers: incoming.headers, body: responseBody }),
          reject,
        );
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  private reply(res: ServerResponse, forwarded: ForwardedResponse): void {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(forwarded.headers)) {
      if (value !== undefined && !NOT_COPIED.has(name)) headers[name] = value;
    }
    headers['content-length'] = String(forwarded.body.length);
    res.writeHead(forwarded.statusCode, headers);
    res.end(forwarded.body);
  }

  private chance(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }

  private pickRecordError(): RecordErrorCode {
    return pickWeighted(this.random, this.faults.recordErrorMix);
  }
}

function emptyStats(seed: number): FaultyKinesisStats {
  return {
    seed,
    requests: 0,
    requestsByOperation: {},
    recordsForwarded: 0,
    recordsFailed: 0,
    requestsFailed: 0,
    requestFailuresByKind: { throttle: 0, internal: 0, disconnect: 0, 'lost-response': 0 },
    connectionsRefused: 0,
  };
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function streamNameOf(body: Buffer): string {
  const request = parseJson(body);
  return String(request?.StreamName ?? request?.StreamARN ?? 'unknown');
}

function countRecords(target: string, body: Buffer): number {
  if (target === PUT_RECORD) return 1;
  const records = parseJson(body)?.Records;
  return Array.isArray(records) ? records.length : 0;
}
