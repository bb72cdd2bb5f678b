import { Injectable } from '@nestjs/common';
import type { KinesisRecordObserver } from '@lib/kinesis';
import { Metrics } from '@lib/metrics';

/**
 * Every record a handler sees, as metrics, told by the transport's dispatch path (on ECS and
 * Lambda alike): `RecordsHandled` or `RecordHandlerErrors` by `Pattern`, the handler's time
 * (`RecordHandlingLatency`) and how long after the api published the event it was done
 * (`RecordEndToEndLatency`, from the packet's `occurred_at`). Dead letters are counted where
 * they are written (WorkerDeadLetterSink).
 */
@Injectable()
export class RecordMetricsObserver implements KinesisRecordObserver {
  constructor(private readonly metrics: Metrics) {}

  handled(pattern: string, handlingMs: number, occurredAt: string): void {
    const dimensions = { Pattern: pattern };
    this.metrics.count('RecordsHandled', dimensions);
    this.metrics.timing('RecordHandlingLatency', handlingMs, dimensions);
    const publishedAt = Date.parse(occurredAt);
    if (Number.isFinite(publishedAt)) this.metrics.timing('RecordEndToEndLatency', Date.now() - publishedAt, dimensions);
  }

  failed(pattern: string): void {
    this.metrics.count('RecordHandlerErrors', { Pattern: pattern });
  }
}
