import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import {
  awsErrorResponse,
  awsResponse,
  codecFor,
  decodeObject,
  KINESIS_JSON_CODEC,
  operationOf,
  type AwsRpcCodec,
} from '../../tools/local-cloud/aws-profile/aws-rpc.protocol';
import { KINESIS_ERROR_MESSAGES, streamNameOf, type RecordErrorCode } from '../../tools/local-cloud/aws-profile/kinesis-errors';
import { listenLocal, readBody, replyBuffered, Upstream, type BufferedResponse } from '../../tools/local-cloud/aws-profile/proxy-http';
import {
  mergePutRecordsResponse,
  putRecordsEntries,
  splitPutRecords,
  type PutRecordsResponseBody,
} from '../../tools/local-cloud/aws-profile/put-records.split';
import { freshSeed, pickWeighted, seededRandom, type RandomSource } from '../../tools/local-cloud/aws-profile/seeded-random';
import { applyFaults, NO_FAULTS, type KinesisFaults, type RequestFailureKind } from './kinesis-faults';

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

/**
 * A test-only HTTP proxy in front of kinesalite that makes Kinesis misbehave the ways the real
 * one does and kinesalite never does: per-record PutRecords failures, throttled or failing
 * requests, dropped connections, an outage, latency. Point an SDK client's Kinesis endpoint
 * (or an app's `AWS_ENDPOINT_URL_KINESIS`) at `endpoint`. A failed record is never forwarded,
 * so "the response says it failed" and "it is not in the stream" always agree. The wire
 * format, the PutRecords split and the seeded randomness are the AWS profile's
 * (tools/local-cloud/aws-profile), so both proxies speak Kinesis the same way.
 */
export class FaultyKinesisProxy {
  private faults: KinesisFaults;
  private random: RandomSource;
  private counters: FaultyKinesisStats;
  private readonly sockets = new Set<Socket>();
  private readonly upstream: Upstream;

  private constructor(
    private readonly server: Server,
    target: string,
    options: FaultyKinesisProxyOptions,
    readonly endpoint: string,
  ) {
    this.upstream = new Upstream(target);
    this.faults = applyFaults(NO_FAULTS, options.faults ?? {});
    const seed = options.seed ?? freshSeed();
    this.random = seededRandom(seed);
    this.counters = emptyStats(seed);
  }

  static async start(options: FaultyKinesisProxyOptions): Promise<FaultyKinesisProxy> {
    const server = createServer();
    const endpoint = await listenLocal(server, options.host, options.port);
    const proxy = new FaultyKinesisProxy(server, options.target, options, endpoint);
    server.on('connection', (socket) => proxy.onConnection(socket));
    server.on('request', (req, res) => void proxy.onRequest(req, res));
    return proxy;
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
    this.upstream.destroy();
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
      const operation = operationOf(req.headers);
      this.counters.requestsByOperation[operation] = (this.counters.requestsByOperation[operation] ?? 0) + 1;
      const isWrite = operation === 'PutRecord' || operation === 'PutRecords';
      const codec = codecFor(req.headers);
      const input = codec ? decodeObject(codec, body) : undefined;

      if ((isWrite || this.faults.requestFailureTargets === 'all') && this.chance(this.faults.requestFailureRate)) {
        return await this.failRequest(req, res, body, codec, input, pickWeighted(this.random, this.faults.requestFailureMix));
      }
      if (operation === 'PutRecords' && codec && this.faults.recordFailureRate > 0) {
        return await this.putRecordsWithFailures(req, res, body, codec, input);
      }
      if (operation === 'PutRecord' && codec && this.chance(this.faults.recordFailureRate)) {
        this.counters.recordsFailed += 1;
        return replyBuffered(res, this.recordErrorResponse(codec, this.pickRecordError(), streamNameOf(input)));
      }
      if (isWrite) this.counters.recordsForwarded += countRecords(operation, input);
      replyBuffered(res, await this.forward(req, body));
    } catch {
      // kinesalite unreachable or the caller gone: the caller sees a network error.
      req.socket.destroy();
    }
  }

  private async failRequest(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    codec: AwsRpcCodec | undefined,
    input: Record<string, unknown> | undefined,
    kind: RequestFailureKind,
  ): Promise<void> {
    this.counters.requestsFailed += 1;
    this.counters.requestFailuresByKind[kind] += 1;
    switch (kind) {
      case 'throttle':
      case 'internal': {
        const code: RecordErrorCode = kind === 'throttle' ? 'ProvisionedThroughputExceededException' : 'InternalFailure';
        // A body it cannot read still gets an answer, in JSON (what the project's clients speak).
        return replyBuffered(res, this.recordErrorResponse(codec ?? KINESIS_JSON_CODEC, code, streamNameOf(input)));
      }
      case 'disconnect':
        return void req.socket.resetAndDestroy();
      case 'lost-response': {
        this.counters.recordsForwarded += countRecords(operationOf(req.headers), input);
        await this.forward(req, body);
        return void req.socket.resetAndDestroy();
      }
    }
  }

  /** A request failing with a record error fails as a whole, as Kinesis does for a single record. */
  private recordErrorResponse(codec: AwsRpcCodec, code: RecordErrorCode, stream: string): BufferedResponse {
    return awsErrorResponse(codec, code === 'InternalFailure' ? 500 : 400, code, KINESIS_ERROR_MESSAGES[code](stream));
  }

  private async putRecordsWithFailures(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    codec: AwsRpcCodec,
    input: Record<string, unknown> | undefined,
  ): Promise<void> {
    const split = splitPutRecords(input, () =>
      this.chance(this.faults.recordFailureRate) ? { code: this.pickRecordError() } : undefined,
    );
    if (split === undefined) return replyBuffered(res, await this.forward(req, body));
    const failed = split.failures.filter((f) => f !== undefined).length;
    this.counters.recordsFailed += failed;
    if (split.forward === undefined) return replyBuffered(res, awsResponse(codec, 200, mergePutRecordsResponse(split, undefined)));

    this.counters.recordsForwarded += split.failures.length - failed;
    const forwarded = await this.forward(req, codec.encode(split.forward));
    // An error from kinesalite (no such stream, bad request) concerns the whole call: pass it on.
    if (forwarded.statusCode !== 200) return replyBuffered(res, forwarded);
    const merged = mergePutRecordsResponse(split, decodeObject(codec, forwarded.body) as PutRecordsResponseBody | undefined);
    replyBuffered(res, awsResponse(codec, 200, merged));
  }

  private async forward(req: IncomingMessage, body: Buffer): Promise<BufferedResponse> {
    if (this.faults.latencyMs > 0) await delay(this.faults.latencyMs);
    // Went down while this call waited: it never reaches Kinesis (the caller's socket is gone).
    if (this.faults.down) throw new Error('Kinesis is down');
    return this.upstream.send(req, body);
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

function countRecords(operation: string, input: Record<string, unknown> | undefined): number {
  if (operation === 'PutRecord') return 1;
  return putRecordsEntries(input)?.length ?? (Array.isArray(input?.Records) ? input.Records.length : 0);
}
