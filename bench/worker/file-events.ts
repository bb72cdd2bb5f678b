import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  FILE_UPLOADED,
  FILE_UPLOADED_VERSION,
  HEADER_PAYLOAD_VERSION,
  type FileUploadedV1,
} from '@lib/contracts';
import { encodePacket, type KinesisPacket } from '@lib/kinesis';

/** One pre-loaded upload: the record's bytes and what its object in S3 must hold. */
export interface PreloadedFile {
  id: string;
  key: string;
  sha256: string;
  /** The whole Kinesis record: a wire packet as the api's publisher writes it. */
  record: Uint8Array;
}

/**
 * A valid v1 `file.uploaded` event with its bytes inline (size and sha256 right), wrapped in
 * the wire packet with `payload-version: 1`, exactly what the api publishes for a small file.
 */
export function fileUploadedRecord(bodyBytes: number, owner: FileUploadedV1['owner']): PreloadedFile {
  const id = randomUUID();
  const bytes = randomBytes(bodyBytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const data: FileUploadedV1 = {
    id,
    file_key: `uploads/${id}.bin`,
    owner,
    content_type: 'application/octet-stream',
    size: bytes.length,
    sha256,
    original_name: 'bench.bin',
    body: { kind: 'inline', data_base64: bytes.toString('base64') },
  };
  const packet: KinesisPacket<FileUploadedV1> = {
    pattern: FILE_UPLOADED,
    id: randomUUID(),
    occurred_at: new Date().toISOString(),
    headers: { [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION },
    data,
  };
  return { id, key: data.file_key, sha256, record: encodePacket(packet) };
}
