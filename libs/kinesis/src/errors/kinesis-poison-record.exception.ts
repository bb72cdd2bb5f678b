import { RpcException } from '@nestjs/microservices';

/**
 * Thrown by a handler to say "this record can never succeed, however often it is
 * delivered" (it breaks its contract, its bytes fail their checksum, ...): the transport
 * dead-letters it at once, without spending retries on it, and the shard moves on. The
 * opposite of {@link KinesisRetriableException}; any other error is retried up to
 * `maxAttempts` before its dead letter.
 */
export class KinesisPoisonRecordException extends RpcException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.cause = options?.cause;
  }

  /** Returned as itself so that it passes Nest's RPC exception filter recognisable by class. */
  override getError(): this {
    return this;
  }
}
