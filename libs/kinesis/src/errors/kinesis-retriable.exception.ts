import { RpcException } from '@nestjs/microservices';

/**
 * Thrown by a handler to say "a dependency is down, try this record again later": the
 * transport does not checkpoint, waits with capped backoff and calls the handler again, for
 * as long as it takes. Such retries do not count toward `maxAttempts`, so the record is
 * never dead-lettered because of an outage. Modelled on Nest's `KafkaRetriableException`.
 */
export class KinesisRetriableException extends RpcException {
  /**
   * Returning the exception itself (not a plain object) lets it pass Nest's RPC exception
   * filter unchanged, so the transport can still recognise it by class.
   */
  override getError(): this {
    return this;
  }
}
