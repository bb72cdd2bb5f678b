import { Inject, Injectable } from '@nestjs/common';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FileDeletionRequestedV1 } from '@lib/contracts';
import { UploadStatusRepository } from '@lib/upload-status';
import { callDependency } from '../aws/dependency-outage';
import { FILE_BUCKET } from '../files/file.storage';
import { DeletionRejectedError } from './deletion-rejected.error';

/** What a deletion found: an upload it marked `deleted`, or no status record to mark. */
export type DeletionOutcome = 'deleted' | 'no-status-record';

/**
 * Carries out a valid `file.deletion-requested` event: removes the file from the bucket, then
 * turns the upload's status into the `deleted` tombstone. The order matters: `deleted` is
 * only ever written once the object is gone, and a failure in between leaves a record the
 * transport delivers again (DeleteObject of a missing key succeeds, the tombstone write is
 * conditional), so a redelivery is harmless.
 */
@Injectable()
export class UploadDeletionProcessor {
  constructor(
    private readonly s3: S3Client,
    @Inject(FILE_BUCKET) private readonly bucket: string,
    private readonly statuses: UploadStatusRepository,
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
    await callDependency('S3 DeleteObject', () => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: event.file_key })));
    if (upload === undefined) return 'no-status-record';
    // false: deleted already (a redelivery); the object is gone either way.
    await callDependency('DynamoDB upload status', () => this.statuses.recordDeleted(upload));
    return 'deleted';
  }
}
