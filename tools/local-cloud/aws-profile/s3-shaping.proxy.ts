import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { PacedStream } from './paced-stream';
import { copiedHeaders } from './proxy-http';
import { s3OperationOf } from './s3-operation';
import { ShapingProxy, type ShapingProxyOptions } from './shaping.proxy';

/**
 * An HTTP proxy in front of s3rver that makes each S3 call take about as long as on AWS:
 * bodies stream through both ways at the profile's bandwidth (never held whole: objects reach
 * gigabytes), and the answer starts a drawn latency after the request body has been sent.
 * Path-style requests pass unchanged, query string included, so URLs presigned for the
 * proxy's host keep working (s3rver does not check signatures; the Host header it sees is its
 * own).
 */
export class S3ShapingProxy extends ShapingProxy {
  /** `target`: s3rver's base URL. */
  static async start(options: ShapingProxyOptions): Promise<S3ShapingProxy> {
    return new S3ShapingProxy(await ShapingProxy.listen(options));
  }

  protected onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const latency = this.arrive(s3OperationOf(req.method, req.url, req.headers));

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
        this.planned(latency + this.shaper.transferMs(sent + received));
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
