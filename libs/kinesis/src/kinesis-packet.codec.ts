import type { KinesisPacket } from './kinesis-packet';

/** A record whose bytes are not a wire packet: never retriable. */
export class MalformedRecordError extends Error {
  override readonly name = 'MalformedRecordError';
}

export function encodePacket(packet: KinesisPacket): Uint8Array {
  return Buffer.from(JSON.stringify(packet), 'utf8');
}

/** Decodes and shape-checks a record's bytes; `data` is left for the contract to validate. */
export function decodePacket(bytes: Uint8Array): KinesisPacket {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new MalformedRecordError(`record is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedRecordError('record is not a JSON object');
  }
  const p = value as Record<string, unknown>;
  if (typeof p.pattern !== 'string' || p.pattern.length === 0) {
    throw new MalformedRecordError('record has no string "pattern"');
  }
  if (typeof p.id !== 'string' || typeof p.occurred_at !== 'string') {
    throw new MalformedRecordError('record has no string "id" or "occurred_at"');
  }
  const headers = p.headers ?? {};
  if (
    typeof headers !== 'object' ||
    headers === null ||
    Object.values(headers).some((v) => typeof v !== 'string')
  ) {
    throw new MalformedRecordError('record "headers" is not an object of strings');
  }
  return {
    pattern: p.pattern,
    id: p.id,
    occurred_at: p.occurred_at,
    headers: headers as Record<string, string>,
    data: p.data,
  };
}
