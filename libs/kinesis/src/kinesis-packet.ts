/**
 * The wire packet: what one Kinesis record holds, as UTF-8 JSON. The transport routes on
 * `pattern` and never looks inside `data`; `headers` carry cross-cutting values (correlation
 * id, payload version).
 */
export interface KinesisPacket<T = unknown> {
  pattern: string;
  /** Unique id of this event (not of the record: a retried put carries the same id). */
  id: string;
  /** ISO-8601 time the event was created. */
  occurred_at: string;
  headers: Record<string, string>;
  data: T;
}
