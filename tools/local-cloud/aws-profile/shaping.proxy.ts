import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { LatencyShaper } from './latency-shaper';
import { closeServer, listenLocal, trackSockets, Upstream } from './proxy-http';

/** What a shaping proxy did since it started. */
export interface ShapingStats {
  requests: number;
  requestsByOperation: Record<string, number>;
  /** Sum of the delays it planned (latency + bandwidth), in ms. */
  delayMs: number;
}

/** Where a shaping proxy listens and which stand-in it shapes. */
export interface ShapingProxyOptions {
  /** The stand-in's base URL. */
  target: string;
  shaper: LatencyShaper;
  host?: string;
  port?: number;
}

/** A listening server with its open sockets, and the stand-in behind it. */
export interface ShapingProxyParts {
  server: Server;
  sockets: Set<Socket>;
  upstream: Upstream;
  shaper: LatencyShaper;
  endpoint: string;
}

/**
 * What the AWS profile's proxies share: a local HTTP server in front of one stand-in, a
 * latency drawn per call in arrival order (so a seed replays the same delays), counters, and a
 * close that cuts every connection. Subclasses say how a call travels (read whole, or streamed).
 */
export abstract class ShapingProxy {
  readonly endpoint: string;
  protected readonly upstream: Upstream;
  protected readonly shaper: LatencyShaper;
  private readonly server: Server;
  private readonly sockets: Set<Socket>;
  private readonly counters: ShapingStats = { requests: 0, requestsByOperation: {}, delayMs: 0 };

  protected constructor(parts: ShapingProxyParts) {
    ({ server: this.server, sockets: this.sockets, upstream: this.upstream, shaper: this.shaper, endpoint: this.endpoint } = parts);
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => void this.onRequest(req, res));
  }

  /** Listens (a free port unless one is given) in front of `options.target`. */
  protected static async listen(options: ShapingProxyOptions): Promise<ShapingProxyParts> {
    const server = createServer();
    const sockets = trackSockets(server);
    const endpoint = await listenLocal(server, options.host, options.port);
    return { server, sockets, upstream: new Upstream(options.target), shaper: options.shaper, endpoint };
  }

  get stats(): ShapingStats {
    return { ...this.counters, requestsByOperation: { ...this.counters.requestsByOperation } };
  }

  async close(): Promise<void> {
    await closeServer(this.server, this.sockets);
    this.upstream.destroy();
  }

  protected abstract onRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;

  /**
   * Counts a call and draws its latency. Call it on arrival, before anything asynchronous:
   * draws in arrival order are what makes a seeded run repeat.
   */
  protected arrive(operation: string): number {
    this.counters.requests += 1;
    this.counters.requestsByOperation[operation] = (this.counters.requestsByOperation[operation] ?? 0) + 1;
    return this.shaper.latencyMs(operation);
  }

  /** Adds a call's planned delay (latency plus bandwidth) to the stats. */
  protected planned(delayMs: number): void {
    this.counters.delayMs += delayMs;
  }
}
