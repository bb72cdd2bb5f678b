import { Module } from '@nestjs/common';
import { UploadsModule } from '../uploads/uploads.module';
import { DeletionsController } from './deletions.controller';
import { UploadDeletionsService } from './upload-deletions.service';

/**
 * `DELETE /uploads/:id` → a `file.deletion-requested` event. Built on `UploadsModule`: its
 * owner lookup, and its `ClientKinesis`, so both event types share one publisher (one queue,
 * one shutdown flush).
 */
@Module({
  imports: [UploadsModule],
  controllers: [DeletionsController],
  providers: [UploadDeletionsService],
})
export class DeletionsModule {}
