import { Injectable } from '@nestjs/common';
import type { FileDeletionRequestedV1 } from '@lib/contracts';
import { UploadStatusRepository } from '@lib/upload-status';
import { callDependency } from '../aws/dependency-outage';
import { UploadEraser } from '../erasure/upload.eraser';
import { DeletionRejectedError } from './deletion-rejected.error';

/**
 * What a deletion found: an upload it marked `deleted`, one deleted already (a redelivery), or
 * no status record to mark (the bytes are erased all the same).
 */
export type DeletionOutcome = 'deleted' | 'deleted-already' | 'no-status-record';

/**
 * Carries out a valid `file.deletion-requested` event: the tombstone first, then the bytes.
 *
 * Why this order, against the upload handler (`FileUploadProcessor`), which reads the status,
 * writes the object, then writes `stored` on condition that the item is not `deleted`, and
 * erases what it wrote when that condition fails. Take the tombstone write (T), the erasure
 * (E, after T), the upload handler's object write (P) and its conditional `stored` (S, after P):
 * - T before S: S is refused, and the upload handler erases what P wrote itself;
 * - S before T: P came before S, so before T and E: E finds P's object and erases it.
 * Either way no object outlives the deletion and `stored` never covers the tombstone. With the
 * bytes removed first (the old order) a P between the removal and T survived.
 *
 * The tombstone is written even when the worker has not written the upload's own item yet
 * (only the api's pending item exists: the upload's event is still in the stream, or on another
 * shard), from the pending item's facts, so the upload event finds it whenever it comes. The
 * erasure runs on every delivery, also when the tombstone was there already: a redelivery
 * after a failure half way finishes the job.
 */
@Injectable()
export class UploadDeletionProcessor {
  constructor(
    private readonly statuses: UploadStatusRepository,
    private readonly eraser: UploadEraser,
  ) {}

  /**
   * @throws DeletionRejectedError when the status record names another owner or key (permanent)
   * @throws KinesisRetriableException when S3 or DynamoDB is unavailable (retry later)
   */
  async process(event: FileDeletionRequestedV1): Promise<DeletionOutcome> {
    // The api checked the owner; checking again here keeps a buggy or forged event from
    // deleting someone else's file.
    const upload = await callDependency('DynamoDB upload status', () => this.statuses.find(event.id));
    if (upload !== undefined && (upload.owner_sub !== event.owner.sub || upload.file_key !== event.file_key)) {
      throw new DeletionRejectedError(`upload ${event.id} is not ${event.file_key} of this owner`);
    }
    let outcome: DeletionOutcome = 'no-status-record';
    if (upload !== undefined) {
      const marked = await callDependency('DynamoDB upload status', () => this.statuses.recordDeleted(upload));
      outcome = marked ? 'deleted' : 'deleted-already';
    }
    await this.eraser.erase(event.id);
    return outcome;
  }
}
