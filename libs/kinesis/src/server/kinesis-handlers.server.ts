import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { KinesisContext } from '../ctx-host/kinesis.context';
import type { KinesisPacket } from '../kinesis-packet';
import type { KinesisEvents, KinesisStatus } from './kinesis.events';

/** Identifies the Kinesis transport, e.g. in `@EventPattern(pattern, KINESIS_TRANSPORT)`. */
export const KINESIS_TRANSPORT = Symbol('KINESIS_TRANSPORT');

/**
 * What every way of feeding Kinesis records to Nest shares: the `@EventPattern` handlers
 * Nest registers, and the one path a record takes to its handler. The container transport
 * (`ServerKinesis`, which polls the stream) and the Lambda one (`KinesisLambdaServer`, fed by
 * the event source mapping) both dispatch through here, so a handler behaves the same in both.
 */
export abstract class KinesisHandlersServer
  extends Server<KinesisEvents, KinesisStatus>
  implements CustomTransportStrategy
{
  override readonly transportId = KINESIS_TRANSPORT;

  protected hasHandler(pattern: string): boolean {
    return this.getHandlerByPattern(pattern) !== null;
  }

  /**
   * Calls the handler inside Nest's processing hooks and settles when its result has: a
   * Promise resolved, or an Observable completed (as ServerKafka does before committing).
   */
  protected async dispatch(packet: KinesisPacket, context: KinesisContext): Promise<void> {
    const handler = this.getHandlerByPattern(packet.pattern);
    if (!handler) throw new Error(`no handler for pattern "${packet.pattern}"`);
    let outcome: Promise<void> | undefined;
    await new Promise<void>((started) => {
      this.onProcessingStartHook(this.transportId, context, () => {
        outcome = this.invoke(handler, packet, context);
        started();
        return outcome;
      });
    });
    try {
      await outcome;
    } finally {
      this.onProcessingEndHook?.(this.transportId, context);
    }
  }

  private async invoke(handler: MessageHandler, packet: KinesisPacket, context: KinesisContext): Promise<void> {
    const result$ = this.transformToObservable(await handler(packet.data, context));
    await lastValueFrom(result$, { defaultValue: undefined });
  }
}
