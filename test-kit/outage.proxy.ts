import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of a local stand-in (s3rver, dynalite, …) that can take it down and
 * bring it back, for outages of any length: while down, every open connection is reset and
 * new ones are refused at once, as an unreachable service looks to an SDK client. Point the
 * app's endpoint variable (`AWS_ENDPOINT_URL_S3`, …) at {@link endpoint}.
 */
export class OutageProxy {
  private isDown = false;
  private readonly sockets = new Set<Socket>();
  /** Connections reset or refused because the service was down. */
  refused = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
    readonly endpoint: string,
  ) {}

  /** `target`: the stand-in's base URL, e.g. `http://127.0.0.1:4568`. */
  static async start(target: string): Promise<OutageProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const url = new URL(target);
    // The same host name as the target: s3rver's path-style URLs and signatures name it.
    const proxy = new OutageProxy(server, url, `${url.protocol}//${url.hostname}:${port}`);
    server.on('connection', (client) => proxy.relay(client));
    return proxy;
  }

  get down(): boolean {
    return this.isDown;
  }

  /** Takes the service down now: open connections are reset, new ones refused. */
  takeDown(): void {
    this.isDown = true;
    for (const socket of this.sockets) this.reset(socket);
  }

  bringBack(): void {
    this.isDown = false;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.isDown) return this.reset(client);
    const upstream = connect(Number(this.target.port), this.target.hostname === 'localhost' ? '127.0.0.1' : this.target.hostname);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  private reset(socket: Socket): void {
    this.refused += 1;
    socket.resetAndDestroy();
  }
}
