import { Injectable } from '@nestjs/common';
import { UploadStatusRepository } from '@lib/upload-status';
import { callDependency } from '../aws/dependency-outage';
import { DeadLetterIndex } from '../dead-letters/dead-letter.index';
import { ObjectVersionsEraser } from './object-versions.eraser';

/**
 * Removes everything that holds a deleted upload's bytes or client-chosen name, for good:
 * every version of `uploads/<id>.*` (the file), of `incoming/<id>` (staged bytes) and
 * `incoming/<id>.grant.json` (the presigned grant, with the file name), the upload's dead
 * letters, and the api's pending item and completion marker. Only the `deleted` tombstone is
 * left. Idempotent: running it again finds less or nothing.
 *
 * Callers write the tombstone first: this only ever runs for an upload that is `deleted`.
 */
@Injectable()
export class UploadEraser {
  constructor(
    private readonly versions: ObjectVersionsEraser,
    private readonly deadLetters: DeadLetterIndex,
    private readonly statuses: UploadStatusRepository,
  ) {}

  /** @throws KinesisRetriableException when S3 or DynamoDB is unavailable (the record is retried) */
  async erase(uploadId: string): Promise<void> {
    await callDependency('S3 erase file versions', () => this.versions.erase(`uploads/${uploadId}.`));
    await callDependency('S3 erase staged versions', () => this.versions.erase(`incoming/${uploadId}`));
    await callDependency('S3 erase dead letters', () => this.deadLetters.eraseLettersOf(uploadId));
    await callDependency('DynamoDB upload status', () => this.statuses.removeApiItems(uploadId));
  }
}
