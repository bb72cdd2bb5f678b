/**
 * Told about every record a handler finishes or fails, on the dispatch path itself (a global
 * Nest interceptor would do the same for about 8 % of a busy worker's CPU: rxjs and async
 * resource binding per record). For metrics; it must not throw and should not block.
 */
export interface KinesisRecordObserver {
  /** A handler finished a record, `handlingMs` after it started; `occurredAt` is the packet's. */
  handled(pattern: string, handlingMs: number, occurredAt: string): void;
  /** A handler threw: the record is retried or dead-lettered after this. */
  failed(pattern: string): void;
}
