import { FILE_UPLOADED } from '@lib/contracts';
import { decodePacket, type DeadLetter, type RedrivePolicy } from '@lib/kinesis';
import type { UploadStatusRepository } from '@lib/upload-status';

/**
 * `npm run redrive`'s policy for upload events: a `file.uploaded` letter whose upload has been
 * deleted since is discarded, not published. Published, it would be handled like any
 * redelivery: the worker would store the object again and write `stored` over the `deleted`
 * tombstone (its `stored` write is batched and unconditional), bringing the file back after
 * its owner deleted it. Discarding also removes the letter's copy of the file's bytes.
 * Every other letter is redriven.
 */
export function skipDeletedUploads(statuses: Pick<UploadStatusRepository, 'find'>): RedrivePolicy {
  return async (letter: DeadLetter) => {
    const uploadId = uploadIdOf(letter);
    if (uploadId === undefined) return { action: 'redrive' };
    const upload = await statuses.find(uploadId);
    return upload?.status === 'deleted'
      ? { action: 'discard', why: `upload ${uploadId} was deleted at ${upload.updated_at}` }
      : { action: 'redrive' };
  };
}

/** The upload a `file.uploaded` letter is about, from its decoded packet or its bytes. */
function uploadIdOf(letter: DeadLetter): string | undefined {
  let packet = letter.packet;
  if (packet === undefined) {
    try {
      packet = decodePacket(Buffer.from(letter.data_base64, 'base64'));
    } catch {
      return undefined;
    }
  }
  if (packet.pattern !== FILE_UPLOADED) return undefined;
  const id = (packet.data as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
