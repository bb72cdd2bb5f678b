import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { FILE_KEY_PATTERN, FILE_UPLOADED, FileOwnerSchema } from '@lib/contracts';
import type { DeadLetter, DeadLetterSink, S3DeadLetterSink } from '@lib/kinesis';
import { Metrics } from '@lib/metrics';
import { UploadStatusRepository } from '@lib/upload-status';
import { uploadFactsFrom } from '@lib/upload-status';
import { DeadLetterIndex, uploadIdOfLetter } from './dead-letter.index';

/** Token of the sink that stores the letters themselves (an `S3DeadLetterSink`). */
export const DEAD_LETTER_STORE = Symbol('DEAD_LETTER_STORE');

/**
 * The facts a failed-status record needs. Looser than the contract on purpose: a letter is
 * often a record that broke the contract somewhere else (its body, say), and its owner still
 * deserves to see `failed` rather than `pending` forever.
 */
const FailedUploadSchema = z
  .object({
    id: z.uuid(),
    file_key: z.string().regex(FILE_KEY_PATTERN),
    owner: FileOwnerSchema,
    content_type: z.string().min(1).max(255),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    original_name: z.string().max(255).optional(),
  })
  .refine((e) => e.file_key.startsWith(`uploads/${e.id}.`));

/**
 * The worker's dead-letter place: the letter goes to the bucket (that write must succeed: the
 * transport retries it and only then moves past the record), then, when the letter was a
 * `file.uploaded` event with enough facts, the upload is recorded `failed`. That status write
 * is best effort: if it fails the letter is still safe, and failing `send` would only make the
 * transport store the same letter again.
 *
 * A letter about an upload holds its bytes, so a deletion must find it: it is indexed by upload
 * id first ({@link DeadLetterIndex}; an index entry without its letter is harmless, a letter
 * without its entry would be lost to deletions), and once written, the upload's status is read:
 * if the upload is deleted by then, the letter is erased here. A deletion that came later lists
 * the index after this letter was in it (the same ordering argument as for stored files, see
 * `UploadDeletionProcessor`). That read must succeed, or `send` fails and is retried.
 */
@Injectable()
export class WorkerDeadLetterSink implements DeadLetterSink {
  private readonly logger = new Logger(WorkerDeadLetterSink.name);

  constructor(
    @Inject(DEAD_LETTER_STORE) private readonly store: S3DeadLetterSink,
    private readonly statuses: UploadStatusRepository,
    private readonly metrics: Metrics,
    private readonly index: DeadLetterIndex,
  ) {}

  async send(letter: DeadLetter): Promise<void> {
    const uploadId = uploadIdOfLetter(letter);
    const letterKey = this.store.keyOf(letter);
    if (uploadId !== undefined) await this.index.add(uploadId, letterKey);
    await this.store.send(letter);
    await this.recordFailure(letter);
    if (uploadId !== undefined && (await this.statuses.isDeleted(uploadId))) {
      await this.index.eraseLetter(uploadId, letterKey);
      this.logger.warn(`upload=${uploadId}: deleted, its dead letter ${letterKey} erased`);
    }
  }

  private async recordFailure(letter: DeadLetter): Promise<void> {
    const where = `shard=${letter.shard_id} seq=${letter.sequence_number}`;
    this.logger.warn(`dead-lettered (${letter.reason} after ${letter.attempts} attempts) ${where}`);
    this.metrics.count('DeadLetters', { Reason: letter.reason });
    const packet = letter.packet;
    if (packet?.pattern !== FILE_UPLOADED) return;
    const facts = FailedUploadSchema.safeParse(packet.data);
    if (!facts.success) return;
    try {
      // The owner sees the code and its message; the error itself stays in the letter and the transport's log line.
      await this.statuses.recordFailed(uploadFactsFrom(facts.data, packet.occurred_at), letter.reason);
    } catch (error) {
      this.logger.error(`upload=${facts.data.id} ${where}: could not record failed: ${(error as Error).message}`);
    }
  }
}
