import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny JWKS endpoint on a free loopback port. Both guards fetch from it at start-up (ours)
 * or on the first request (jwks-rsa's cache); `fetches` shows neither refetches while timed.
 */
export class LocalJwksServer {
  /** How many times the JWKS was served. */
  fetches = 0;
  private readonly server: Server;

  constructor(document: object) {
    const body = JSON.stringify(document);
    this.server = createServer((request, response) => {
      if (request.method === 'GET' && request.url === '/.well-known/jwks.json') {
        this.fetches += 1;
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      } else {
        response.writeHead(404).end();
      }
    });
  }

  /** Listens on 127.0.0.1 and returns the JWKS URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/.well-known/jwks.json`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
