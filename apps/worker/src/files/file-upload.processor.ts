import { Injectable } from '@nestjs/common';
import type { FileUploadedV1 } from '@lib/contracts';
import { UploadStatusBatcher } from '@lib/upload-status';
import { callDependency } from '../aws/dependency-outage';
import { decodeFileBody } from './file-body.decoder';
import { FileStorage } from './file.storage';
import { StagedFileMover } from './staged-file.mover';
import { uploadFactsFrom } from '@lib/upload-status';

/**
 * Stores the file a valid `file.uploaded` event carries (inline bytes, or a staged object
 * moved to its key), then records it as `stored`.
 * The order matters: `stored` is only ever written once the object exists, and a failure
 * in between leaves a record the transport delivers again (both writes are idempotent).
 */
@Injectable()
export class FileUploadProcessor {
  constructor(
    private readonly storage: FileStorage,
    private readonly staged: StagedFileMover,
    /** `stored` ranks above pending and failed (only `deleted` is higher): its write needs no condition, so writes share batches. */
    private readonly statuses: UploadStatusBatcher,
  ) {}

  /**
   * @param acceptedAt when the event was created (the packet's `occurred_at`)
   * @param objectStored told once the object exists, before the status write: the caller may
   *   let other work start while the (batched, short) status write completes
   * @throws FileEventRejectedError when the bytes can never be stored (permanent)
   * @throws KinesisRetriableException when S3 or DynamoDB is unavailable (retry later)
   */
  async process(event: FileUploadedV1, acceptedAt: string, objectStored?: () => void): Promise<void> {
    const { body } = event;
    if (body.kind === 'staged') {
      // Large file (claim check): its bytes wait in incoming/ and are moved, not re-sent.
      await this.staged.move({ ...event, body });
    } else {
      const bytes = decodeFileBody({ ...event, body });
      await callDependency('S3 PutObject', () => this.storage.put(event, bytes));
    }
    objectStored?.();
    await callDependency('DynamoDB upload status', () =>
      this.statuses.write(uploadFactsFrom(event, acceptedAt), 'stored'),
    );
  }
}
