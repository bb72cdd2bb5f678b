import { Module } from '@nestjs/common';
import { ClientKinesis } from '@lib/kinesis';
import { UploadStatusModule } from '@lib/upload-status';
import { apiConfig, type ApiConfig } from '../config';
import { fileEventsClientProvider } from './file-events-client.provider';
import { UploadAdmission } from './admission/upload-admission';
import { FileIntake } from './intake/file-intake';
import { PresignedCompletionsStore } from './presigned/presigned-completions.store';
import { PresignedUploadsController } from './presigned/presigned-uploads.controller';
import { PresignedUploadsService } from './presigned/presigned-uploads.service';
import { IncomingObjectsStore } from './staging/incoming-objects.store';
import { StagingSlots } from './staging/staging-slots';
import { UploadsQueryService } from './uploads-query.service';
import { UploadsController } from './uploads.controller';
import { UploadEventPublisher } from './upload-event.publisher';
import { UploadsService } from './uploads.service';

/**
 * `POST /uploads` (streamed: inline or staged in S3), the presigned flow
 * (`POST /uploads/presigned`, `POST /uploads/:id/complete`), `GET /uploads` (the owner's list), `GET /uploads/:id` and
 * `GET /uploads/:id/content`. Needs `AwsClientsModule`; configure-app keeps Nest's body
 * parsers off `POST /uploads`.
 */
@Module({
  imports: [
    UploadStatusModule.forRootAsync({ inject: [apiConfig.KEY], useFactory: (config: ApiConfig) => config.uploadsTable }),
  ],
  controllers: [PresignedUploadsController, UploadsController],
  providers: [
    fileEventsClientProvider,
    // One of each per process: the admission guard on POST /uploads and the intake count with them.
    UploadAdmission,
    { provide: StagingSlots, inject: [apiConfig.KEY], useFactory: (config: ApiConfig) => new StagingSlots(config.uploadMaxConcurrentStaged) },
    IncomingObjectsStore,
    FileIntake,
    UploadEventPublisher,
    UploadsService,
    PresignedUploadsService,
    PresignedCompletionsStore,
    UploadsQueryService,
  ],
  // For features built on uploads (deletions/): the owner lookup and the app's one publisher.
  exports: [UploadsQueryService, ClientKinesis],
})
export class UploadsModule {}
