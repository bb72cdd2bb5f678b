import { Module } from '@nestjs/common';
import { ErasureModule } from '../erasure/erasure.module';
import { WorkerUploadStatusModule } from '../status/worker-upload-status.module';
import { DeletionsController } from './deletions.controller';
import { UploadDeletionProcessor } from './upload-deletion.processor';

/** The `file.deletion-requested` handler: the status becomes `deleted`, then the upload's bytes are erased. */
@Module({
  imports: [WorkerUploadStatusModule, ErasureModule],
  controllers: [DeletionsController],
  providers: [UploadDeletionProcessor],
})
export class DeletionsModule {}
