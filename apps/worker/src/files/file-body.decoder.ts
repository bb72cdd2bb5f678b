import { createHash } from 'node:crypto';
import type { FileUploadedV1 } from '@lib/contracts';
import { FileEventRejectedError } from './file-event-rejected.error';

/**
 * The file's bytes from an inline event, checked against the size and sha256 the api computed:
 * a mismatch means the record was damaged or forged, and storing it would put wrong bytes
 * under a key the owner trusts.
 */
export function decodeFileBody(event: FileUploadedV1 & { body: { kind: 'inline' } }): Buffer {
  const { body } = event;
  const bytes = Buffer.from(body.data_base64, 'base64');
  if (bytes.length !== event.size) {
    throw new FileEventRejectedError(event.id, `body is ${bytes.length} bytes, the event says ${event.size}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== event.sha256) {
    throw new FileEventRejectedError(event.id, `body sha256 ${sha256} does not match the event's ${event.sha256}`);
  }
  return bytes;
}
