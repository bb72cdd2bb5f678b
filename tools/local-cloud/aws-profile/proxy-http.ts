import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The HTTP plumbing every proxy in front of a stand-in shares (the AWS profile's and the test
 * kit's fault-injecting one): reading bodies, copying headers across legs, calling the
 * stand-in on a keep-alive pool of the proxy's own, answering, listening and closing.
 */

/** A complete answer from the stand-in. */
export interface BufferedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Hop-by-hop headers, lengths and `expect` are recomputed for each leg, never copied across
 * (node already answered a client's `Expect: 100-continue`; the stand-in gets the whole body).
 */
const NOT_COPIED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'expect', 'proxy-connection', 'upgrade', 'te', 'trailer']);

export function copiedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const copy: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !NOT_COPIED.has(name)) copy[name] = value;
  }
  return copy;
}

export function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** A stand-in behind a proxy: where it listens and the proxy's own connections to it. */
export class Upstream {
  readonly url: URL;
  // Its own keep-alive pool towards the stand-in, separate from the callers' connections.
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(target: string) {
    this.url = new URL(target);
  }

  /** Starts a request to the stand-in with the caller's method, path and headers; the caller writes the body. */
  open(req: IncomingMessage, headers: OutgoingHttpHeaders, onResponse: (incoming: IncomingMessage) => void) {
    const { protocol, hostname, port } = this.url;
    return httpRequest({ protocol, hostname, port, path: req.url, method: req.method, headers, agent: this.agent }, onResponse);
  }

  /** Sends `body` in place of the caller's and reads the whole answer. */
  send(req: IncomingMessage, body: Buffer): Promise<BufferedResponse> {
    const headers = { ...copiedHeaders(req.headers), 'content-length': String(body.length) };
    return new Promise<BufferedResponse>((resolve, reject) => {
      const outgoing = this.open(req, headers, (incoming) => {
        readBody(incoming).then(
          (responseBody) => resolve({ statusCode: incoming.statusCode ?? 502, headers: incoming.headers, body: responseBody }),
          reject,
        );
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}

/** Passes a buffered answer on to the caller (its length recomputed, `body` possibly rewritten). */
export function replyBuffered(res: ServerResponse, response: BufferedResponse): void {
  res.writeHead(response.statusCode, { ...copiedHeaders(response.headers), 'content-length': String(response.body.length) });
  res.end(response.body);
}

/** Listens on `host:port` (0: a free port) and resolves with the base URL. */
export function listenLocal(server: Server, host = '127.0.0.1', port = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(`http://${address.address}:${address.port}`);
    });
  });
}

/** Keeps the open sockets of a server, so that closing it also ends keep-alive connections. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** Stops listening and cuts every open connection, calls in flight included. */
export async function closeServer(server: Server, sockets: Iterable<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  await closed;
}
