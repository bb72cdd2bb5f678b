import { HEADER_CORRELATION_ID } from '@lib/contracts';
import type { KinesisContext } from '@lib/kinesis';

/**
 * The fields every handler's log lines carry, so an operator can follow one upload through
 * the logs of both apps: the api's lines carry the same `correlationId` (the request's id).
 * Values from the record are untrusted: short, no control characters.
 */
export function recordLogFields(data: unknown, context: KinesisContext): Record<string, string | undefined> {
  const id = typeof data === 'object' && data !== null ? (data as { id?: unknown }).id : undefined;
  return {
    uploadId: printable(id),
    correlationId: printable(context.getHeaders()[HEADER_CORRELATION_ID]),
    shardId: context.getShardId(),
    sequenceNumber: context.getSequenceNumber(),
  };
}

function printable(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/[^\x21-\x7e]/g, '?').slice(0, 80) : undefined;
}
