import { Inject, Injectable } from '@nestjs/common';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { FILE_DELETION_REQUESTED, FILE_UPLOADED } from '@lib/contracts';
import type { DeadLetter } from '@lib/kinesis';
import { ObjectVersionsEraser } from '../erasure/object-versions.eraser';
import { FILE_BUCKET } from '../files/file.storage';

/**
 * Where the index lives: `dead-letter-index/<upload id>/<letter key>`, one empty object per
 * letter about an upload. Dead letters are keyed by shard and sequence number (the transport
 * knows nothing of uploads); this is how a deletion finds an upload's letters, which hold the
 * file's bytes, without reading them all. Expires with the letters (the bucket's lifecycle).
 */
export const DEAD_LETTER_INDEX_PREFIX = 'dead-letter-index/';

const UploadIdSchema = z.object({ id: z.uuid() });

/** The upload a letter is about: an upload or deletion event with a valid upload id. */
export function uploadIdOfLetter(letter: DeadLetter): string | undefined {
  const packet = letter.packet;
  if (packet?.pattern !== FILE_UPLOADED && packet?.pattern !== FILE_DELETION_REQUESTED) return undefined;
  const parsed = UploadIdSchema.safeParse(packet.data);
  return parsed.success ? parsed.data.id : undefined;
}

/** The worker's index of dead letters by upload id (see {@link DEAD_LETTER_INDEX_PREFIX}). */
@Injectable()
export class DeadLetterIndex {
  constructor(
    private readonly s3: S3Client,
    @Inject(FILE_BUCKET) private readonly bucket: string,
    private readonly versions: ObjectVersionsEraser,
  ) {}

  /** Records that the letter at `letterKey` is about `uploadId`; writing it again is harmless. */
  async add(uploadId: string, letterKey: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${DEAD_LETTER_INDEX_PREFIX}${uploadId}/${letterKey}`, Body: new Uint8Array(0), ContentLength: 0 }),
    );
  }

  /** Every version of the letter, then its entry in the index. */
  async eraseLetter(uploadId: string, letterKey: string): Promise<void> {
    await this.versions.erase(letterKey, letterKey);
    const entry = `${DEAD_LETTER_INDEX_PREFIX}${uploadId}/${letterKey}`;
    await this.versions.erase(entry, entry);
  }

  /** Every letter about the upload (all their versions), then the upload's whole index. */
  async eraseLettersOf(uploadId: string): Promise<void> {
    const prefix = `${DEAD_LETTER_INDEX_PREFIX}${uploadId}/`;
    const entries = await this.versions.listVersions(prefix);
    for (const letterKey of new Set(entries.map((entry) => entry.Key!.slice(prefix.length)))) {
      await this.versions.erase(letterKey, letterKey);
    }
    await this.versions.deleteVersions(entries);
  }
}
