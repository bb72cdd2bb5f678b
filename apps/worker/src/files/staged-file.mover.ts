import { Inject, Injectable } from '@nestjs/common';
import { CopyObjectCommand, DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { classifyAwsError } from '@lib/aws';
import type { FileUploadedV1 } from '@lib/contracts';
import { callDependency } from '../aws/dependency-outage';
import { FileEventRejectedError } from './file-event-rejected.error';
import { FILE_BUCKET, FileStorage } from './file.storage';

type StagedEvent = FileUploadedV1 & { body: { kind: 'staged'; key: string; etag?: string } };


/**
 * Moves a large file from where the api staged it (`incoming/<id>`, claim check) to its
 * final key: CopyObject with the same content type and metadata `FileStorage.put` writes,
 * then DeleteObject of the staged copy. Safe to run again for the same event: once the
 * final key holds the event's sha256 the move is done, whatever happened to the staged
 * object since. Every S3 call goes through `callDependency`, so an outage is retried, not
 * dead-lettered.
 */
@Injectable()
export class StagedFileMover {
  constructor(
    private readonly s3: S3Client,
    @Inject(FILE_BUCKET) private readonly bucket: string,
  ) {}

  /**
   * @throws FileEventRejectedError when the staged object is gone (and the move was not done
   *   before), its size is not the event's, or it is no longer the version the api measured
   *   (its ETag): no retry can change that
   * @throws KinesisRetriableException when S3 is unavailable
   */
  async move(event: StagedEvent): Promise<void> {
    const stagedKey = event.body.key;
    const stored = await this.head('S3 HeadObject (final key)', event.file_key);
    if (stored?.Metadata?.sha256 === event.sha256) {
      // A redelivery: the copy happened; the staged object may still wait for its delete.
      await this.deleteStaged(stagedKey);
      return;
    }
    const staged = await this.head('S3 HeadObject (staged)', stagedKey);
    if (staged === undefined) {
      throw new FileEventRejectedError(event.id, `staged object ${stagedKey} is missing and ${event.file_key} does not hold the file`);
    }
    if (staged.ContentLength !== event.size) {
      throw new FileEventRejectedError(event.id, `staged object ${stagedKey} is ${staged.ContentLength} bytes, the event says ${event.size}`);
    }
    await callDependency('S3 CopyObject', async () => {
      try {
        return await this.s3.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: event.file_key,
            CopySource: `${this.bucket}/${stagedKey.split('/').map(encodeURIComponent).join('/')}`,
            // Only the version whose sha256 the api measured (when it sent the ETag).
            ...(event.body.etag === undefined ? {} : { CopySourceIfMatch: event.body.etag }),
            // REPLACE: the final object carries the event's facts, not the staging metadata.
            MetadataDirective: 'REPLACE',
            ContentType: event.content_type,
            Metadata: FileStorage.metadataOf(event),
          }),
        );
      } catch (error) {
        if (classifyAwsError(error) === 'object') {
          throw new FileEventRejectedError(event.id, `staged object ${stagedKey} changed after the api measured it (ETag is not ${event.body.etag})`);
        }
        throw error;
      }
    });
    await this.deleteStaged(stagedKey);
  }

  private async head(operation: string, key: string) {
    return callDependency(operation, async () => {
      try {
        return await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      } catch (error) {
        // Absent is an answer, not an outage.
        if (classifyAwsError(error) === 'object') return undefined;
        throw error;
      }
    });
  }

  /** DeleteObject of a missing key succeeds, so a repeated delete is harmless. */
  private async deleteStaged(key: string): Promise<void> {
    await callDependency('S3 DeleteObject (staged)', () => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }
}
