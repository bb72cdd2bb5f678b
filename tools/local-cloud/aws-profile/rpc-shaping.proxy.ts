import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { codecFor, decodeObject, operationOf, type AwsRpcCodec } from './aws-rpc.protocol';
import { readBody, replyBuffered, type BufferedResponse, type Upstream } from './proxy-http';
import { ShapingProxy, type ShapingProxyOptions, type ShapingProxyParts } from './shaping.proxy';

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

export interface RpcShapingProxyOptions extends ShapingProxyOptions {
  handler?: RpcHandler;
}

/**
 * An HTTP proxy for an AWS JSON (or CBOR) RPC service (DynamoDB, Kinesis) in front of its
 * stand-in: each call is answered no earlier than its arrival plus a latency drawn for its
 * operation plus the bandwidth term of both bodies, whatever the stand-in took. Bodies are
 * small here (PutRecords ≤ 5 MiB, GetRecords ≤ 10 MiB), so calls are read whole; what to do
 * with a call is the handler's job (Kinesis' limits), by default it goes on unchanged.
 */
export class RpcShapingProxy extends ShapingProxy {
  private constructor(
    parts: ShapingProxyParts,
    private readonly handler: RpcHandler,
  ) {
    super(parts);
  }

  static async start(options: RpcShapingProxyOptions): Promise<RpcShapingProxy> {
    return new RpcShapingProxy(await ShapingProxy.listen(options), options.handler ?? forwardUnchanged);
  }

  protected async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrival = performance.now();
    try {
      const body = await readBody(req);
      const operation = operationOf(req.headers);
      const codec = codecFor(req.headers);
      const latency = this.arrive(operation);

      const input = codec && body.length > 0 ? decodeObject(codec, body) : undefined;
      const response = await this.handler({ req, body, operation, codec, input }, this.upstream);

      const due = arrival + latency + this.shaper.transferMs(body.length + response.body.length);
      this.planned(due - arrival);
      const wait = due - performance.now();
      if (wait > 0) await delay(wait);
      if (!res.destroyed) replyBuffered(res, response);
    } catch {
      // The stand-in unreachable or the caller gone: the caller sees a network error.
      req.socket.destroy();
    }
  }
}
