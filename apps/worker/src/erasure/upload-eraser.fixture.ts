import type { S3Client } from '@aws-sdk/client-s3';
import type { UploadStatusRepository } from '@lib/upload-status';
import { DeadLetterIndex } from '../dead-letters/dead-letter.index';
import { ObjectVersionsEraser } from './object-versions.eraser';
import { UploadEraser } from './upload.eraser';

/** An UploadEraser wired as ErasureModule wires it, for unit tests that build handlers by hand. */
export function uploadEraserFor(s3: S3Client, bucket: string, statuses: UploadStatusRepository): UploadEraser {
  const versions = new ObjectVersionsEraser(s3, bucket);
  return new UploadEraser(versions, new DeadLetterIndex(s3, bucket, versions), statuses);
}
