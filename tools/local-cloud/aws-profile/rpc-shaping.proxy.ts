import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { codecFor, decodeObject, operationOf, type AwsRpcCodec } from './aws-rpc.protocol';
import type { LatencyShaper } from './latency-shaper';
import { closeServer, listenLocal, readBody, replyBuffered, trackSockets, Upstream, type BufferedResponse } from './proxy-http';

/** One call as a proxy sees it, its body already read. */
export interface RpcCall {
  req: IncomingMessage;
  body: Buffer;
  operation: string;
  /** The body's encoding; undefined for one this proxy cannot read (passed through untouched). */
  codec: AwsRpcCodec | undefined;
  /** The decoded body, if it is an object. */
  input: Record<string, unknown> | undefined;
}

/** Answers a call: by forwarding it (possibly changed) to the stand-in, or by itself. */
export type RpcHandler = (call: RpcCall, upstream: Upstream) => Promise<BufferedResponse>;

export const forwardUnchanged: RpcHandler = (call, upstream) => upstream.send(call.req, call.body);

/** What a shaping proxy did since it started. */
export interface ShapingStats {
  requests: number;
  requestsByOperation: Record<string, number>;
  /** Sum of the delays it planned (latency + bandwidth), in ms. */
  delayMs: number;
}

export function emptyShapingStats(): ShapingStats {
  return { requests: 0, requestsByOperation: {}, delayMs: 0 };
}

export interface RpcShapingProxyOptions {
  /** The stand-in's base URL. */
  target: string;
  shaper: LatencyShaper;
  handler?: RpcHandler;
  host?: string;
  port?: number;
}

/**
 * An HTTP proxy for an AWS JSON (or CBOR) RPC service (DynamoDB, Kinesis) in front of its
 * stand-in: each call is answered no earlier than its arrival plus a latency drawn for its
 * operation plus the bandwidth term of both bodies, whatever the stand-in took. Bodies are
 * small here (PutRecords ≤ 5 MiB, GetRecords ≤ 10 MiB), so calls are read whole; what to do
 * with a call is the handler's job (Kinesis' limits), by default it goes on unchanged.
 */
export class RpcShapingProxy {
  private counters = emptyShapingStats();

  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    private readonly upstream: Upstream,
    private readonly shaper: LatencyShaper,
    private readonly handler: RpcHandler,
    readonly endpoint: string,
  ) {}

  static async start(options: RpcShapingProxyOptions): Promise<RpcShapingProxy> {
    const server = createServer();
    const sockets = trackSockets(server);
    const endpoint = await listenLocal(server, options.host, options.port);
    const proxy = new RpcShapingProxy(
      server,
      sockets,
      new Upstream(options.target),
      options.shaper,
      options.handler ?? forwardUnchanged,
      endpoint,
    );
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

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival = performance.now();
    try {
      const body = await readBody(req);
      const operation = operationOf(req.headers);
      const codec = codecFor(req.headers);
      // Drawn in arrival order, before anything asynchronous: the seed replays the same delays.
      const latency = this.shaper.latencyMs(operation);
      this.counters.requests += 1;
      this.counters.requestsByOperation[operation] = (this.counters.requestsByOperation[operation] ?? 0) + 1;

      const input = codec && body.length > 0 ? decodeObject(codec, body) : undefined;
      const response = await this.handler({ req, body, operation, codec, input }, this.upstream);

      const due = arrival + latency + this.shaper.transferMs(body.length + response.body.length);
      this.counters.delayMs += due - arrival;
      const wait = due - performance.now();
      if (wait > 0) await delay(wait);
      if (!res.destroyed) replyBuffered(res, response);
    } catch {
      // The stand-in unreachable or the caller gone: the caller sees a network error.
      req.socket.destroy();
    }
  }
}
