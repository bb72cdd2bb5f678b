import { Module } from '@nestjs/common';
import { DeadLetterIndex } from '../dead-letters/dead-letter.index';
import { fileBucketProvider } from '../files/file-bucket.provider';
import { WorkerUploadStatusModule } from '../status/worker-upload-status.module';
import { ObjectVersionsEraser } from './object-versions.eraser';
import { UploadEraser } from './upload.eraser';

/** Erasing deleted uploads for good, shared by the deletion handler, the upload handler and the dead letters. */
@Module({
  imports: [WorkerUploadStatusModule],
  providers: [fileBucketProvider, ObjectVersionsEraser, DeadLetterIndex, UploadEraser],
  exports: [ObjectVersionsEraser, DeadLetterIndex, UploadEraser],
})
export class ErasureModule {}
