import { Injectable } from '@nestjs/common';
import type { FileUploadedV1 } from '@lib/contracts';
import { DeletedUploadsReader, UploadStatusRepository, uploadFactsFrom } from '@lib/upload-status';
import { callDependency } from '../aws/dependency-outage';
import { UploadEraser } from '../erasure/upload.eraser';
import { decodeFileBody } from './file-body.decoder';
import { FileEventRejectedError } from './file-event-rejected.error';
import { FileStorage } from './file.storage';
import { StagedFileMover } from './staged-file.mover';

/** What became of an upload event: its file stored, or not, because the upload is deleted. */
export type UploadOutcome = 'stored' | 'deleted';

/**
 * Stores the file a valid `file.uploaded` event carries (inline bytes, or a staged object
 * moved to its key), then records it as `stored`, unless the upload was deleted:
 *
 * 1. A consistent read of the upload's status: a `deleted` upload is not stored again (an
 *    event handled after its deletion: a redrive, a replay, a deletion that went through
 *    another shard). Reads of records handled at once share `BatchGetItem` calls.
 * 2. The object is written.
 * 3. `stored` is written on condition that the item is not `deleted` (nor `stored` already).
 * 4. If that condition failed because a deletion's tombstone landed between 1 and 3, what this
 *    handler just wrote is erased.
 *
 * Step 1 alone cannot be enough (a deletion can land right after it); steps 3 and 4 are what
 * makes deletion final, see `UploadDeletionProcessor` for every interleaving. `stored` is only
 * ever written once the object exists, and a failure in between leaves a record the transport
 * delivers again (each step is idempotent).
 */
@Injectable()
export class FileUploadProcessor {
  constructor(
    private readonly storage: FileStorage,
    private readonly staged: StagedFileMover,
    private readonly statuses: UploadStatusRepository,
    private readonly eraser: UploadEraser,
    private readonly deletedUploads: DeletedUploadsReader,
  ) {}

  /**
   * @param acceptedAt when the event was created (the packet's `occurred_at`)
   * @param objectStored told once the object exists, before the status write: the caller may
   *   let other work start while the status write completes
   * @throws FileEventRejectedError when the bytes can never be stored (permanent)
   * @throws KinesisRetriableException when S3 or DynamoDB is unavailable (retry later)
   */
  async process(event: FileUploadedV1, acceptedAt: string, objectStored?: () => void): Promise<UploadOutcome> {
    if (await this.isDeleted(event.id)) return this.eraseDeleted(event.id);
    try {
      await this.storeObject(event);
    } catch (error) {
      // A staged object erased by a deletion since step 1 is not a broken event.
      if (error instanceof FileEventRejectedError && (await this.isDeleted(event.id))) return this.eraseDeleted(event.id);
      throw error;
    }
    objectStored?.();
    const recorded = await callDependency('DynamoDB upload status', () => this.statuses.recordStored(uploadFactsFrom(event, acceptedAt)));
    // Refused: `stored` already (a redelivery) or `deleted` since step 1.
    if (!recorded && (await this.isDeleted(event.id))) return this.eraseDeleted(event.id);
    return 'stored';
  }

  private async storeObject(event: FileUploadedV1): Promise<void> {
    const { body } = event;
    if (body.kind === 'staged') {
      // Large file (claim check): its bytes wait in incoming/ and are moved, not re-sent.
      await this.staged.move({ ...event, body });
    } else {
      const bytes = decodeFileBody({ ...event, body });
      await callDependency('S3 PutObject', () => this.storage.put(event, bytes));
    }
  }

  private isDeleted(id: string): Promise<boolean> {
    return callDependency('DynamoDB upload status', () => this.deletedUploads.isDeleted(id));
  }

  /** What this event may have written, or a client uploaded after the deletion, goes too. */
  private async eraseDeleted(id: string): Promise<UploadOutcome> {
    await this.eraser.erase(id);
    return 'deleted';
  }
}
