import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { KinesisContext } from '../ctx-host/kinesis.context';
import type { KinesisPacket } from '../kinesis-packet';
import type { KinesisEvents, KinesisStatus } from './kinesis.events';
import type { KinesisRecordObserver } from './kinesis-record.observer';

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
  /**
   * Handlers found so far, by pattern: Nest's lookup first tries `JSON.parse` on the pattern,
   * which throws for a plain string like `file.uploaded`, twice per record. Only hits are
   * kept, so a handler registered later is still found.
   */
  private readonly handlers = new Map<string, MessageHandler>();
  private observer?: KinesisRecordObserver;

  /** Reports every record's outcome to `observer` from now on (metrics). */
  observeRecords(observer: KinesisRecordObserver): void {
    this.observer = observer;
  }

  protected hasHandler(pattern: string): boolean {
    return this.handlerFor(pattern) !== null;
  }

  private handlerFor(pattern: string): MessageHandler | null {
    const known = this.handlers.get(pattern);
    if (known) return known;
    const handler = this.getHandlerByPattern(pattern);
    if (handler) this.handlers.set(pattern, handler);
    return handler;
  }

  /**
   * Calls the handler inside Nest's processing hooks and settles when its result has: a
   * Promise resolved, or an Observable completed (as ServerKafka does before committing).
   */
  protected async dispatch(packet: KinesisPacket, context: KinesisContext): Promise<void> {
    const handler = this.handlerFor(packet.pattern);
    if (!handler) throw new Error(`no handler for pattern "${packet.pattern}"`);
    const startedAt = this.observer === undefined ? undefined : performance.now();
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
      if (startedAt !== undefined) this.observer?.handled(packet.pattern, performance.now() - startedAt, packet.occurred_at);
    } catch (error) {
      this.observer?.failed(packet.pattern);
      throw error;
    } finally {
      this.onProcessingEndHook?.(this.transportId, context);
    }
  }

  private async invoke(handler: MessageHandler, packet: KinesisPacket, context: KinesisContext): Promise<void> {
    const result$ = this.transformToObservable(await handler(packet.data, context));
    await lastValueFrom(result$, { defaultValue: undefined });
  }
}
