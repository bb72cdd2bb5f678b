import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { LatencyShaper } from './latency-shaper';
import { PacedStream } from './paced-stream';
import { closeServer, copiedHeaders, listenLocal, trackSockets, Upstream } from './proxy-http';
import { emptyShapingStats, type ShapingStats } from './rpc-shaping.proxy';
import { s3OperationOf } from './s3-operation';

export interface S3ShapingProxyOptions {
  /** s3rver's base URL. */
  target: string;
  shaper: LatencyShaper;
  host?: string;
  port?: number;
}

/**
 * An HTTP proxy in front of s3rver that makes each S3 call take about as long as on AWS:
 * bodies stream through both ways at the profile's bandwidth (never held whole: objects reach
 * gigabytes), and the answer starts a drawn latency after the request body has been sent.
 * Path-style requests pass unchanged, query string included, so URLs presigned for the
 * proxy's host keep working (s3rver does not check signatures; the Host header it sees is its
 * own).
 */
export class S3ShapingProxy {
  private counters = emptyShapingStats();

  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    private readonly upstream: Upstream,
    private readonly shaper: LatencyShaper,
    readonly endpoint: string,
  ) {}

  static async start(options: S3ShapingProxyOptions): Promise<S3ShapingProxy> {
    const server = createServer();
    const sockets = trackSockets(server);
    const endpoint = await listenLocal(server, options.host, options.port);
    const proxy = new S3ShapingProxy(server, sockets, new Upstream(options.target), options.shaper, endpoint);
    server.on('request', (req, res) => void proxy.onRequest(req, res));
    return proxy;
  }

  get stats(): ShapingStats {
    return { ...this.counters, requestsByOperation: { ...this.counters.requestsByOperation } };
  }

  async close(): Promise<void> {
    await closeServer(this.server, this.sockets);
    this.upstream.destroy();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = s3OperationOf(req.method, req.url, req.headers);
    // Drawn in arrival order, before anything asynchronous: the seed replays the same delays.
    const latency = this.shaper.latencyMs(operation);
    this.counters.requests += 1;
    this.counters.requestsByOperation[operation] = (this.counters.requestsByOperation[operation] ?? 0) + 1;

    const upload = new PacedStream(this.bytesPerSecond);
    let uploadedAt: number | undefined;
    void upload.ended.then(() => (uploadedAt = performance.now()));
    return new Promise<void>((done) => {
      const fail = () => {
        outgoing.destroy();
        req.socket.destroy();
        done();
      };
      const outgoing = this.upstream.open(req, withLength(copiedHeaders(req.headers), req.headers['content-length']), (incoming) => {
        const sent = Number(req.headers['content-length'] ?? 0);
        const received = Number(incoming.headers['content-length'] ?? 0);
        this.counters.delayMs += latency + this.shaper.transferMs(sent + received);
        void this.answer(res, incoming, (uploadedAt ?? performance.now()) + latency).then(done, fail);
      });
      outgoing.on('error', fail);
      pipeline(req, upload, outgoing).catch(fail);
    });
  }

  /** Holds the stand-in's answer until `due`, then streams it at the bandwidth. */
  private async answer(res: ServerResponse, incoming: IncomingMessage, due: number): Promise<void> {
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    const length = incoming.headers['content-length'];
    res.writeHead(incoming.statusCode ?? 502, withLength(copiedHeaders(incoming.headers), length));
    await pipeline(incoming, new PacedStream(this.bytesPerSecond), res);
  }

  private get bytesPerSecond(): number {
    return this.shaper.bytesPerSecond;
  }
}

/** Streamed bytes are the same bytes: a known length stays (s3rver and the SDK rely on it). */
function withLength(headers: Record<string, string | string[]>, length: string | undefined): Record<string, string | string[]> {
  return length === undefined ? headers : { ...headers, 'content-length': length };
}
