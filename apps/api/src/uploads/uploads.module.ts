import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { UploadStatusModule } from '@lib/upload-status';
import { apiConfig, type ApiConfig } from '../config';
import { fileEventsClientProvider } from './file-events-client.provider';
import { UploadsQueryService } from './uploads-query.service';
import { UploadsController } from './uploads.controller';
import { UploadsService } from './uploads.service';

/** `POST /uploads`, `GET /uploads/:id`, `GET /uploads/:id/content`. Needs `AwsClientsModule`. */
@Module({
  imports: [
    UploadStatusModule.forRootAsync({ inject: [apiConfig.KEY], useFactory: (config: ApiConfig) => config.uploadsTable }),
    MulterModule.registerAsync({
      inject: [apiConfig.KEY],
      // No storage option means multer's memory storage: the bytes travel inline in the
      // event (S3 staging for large files comes later), so a temporary file gains nothing.
      useFactory: (config: ApiConfig) => ({
        limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10, parts: 20 },
      }),
    }),
  ],
  controllers: [UploadsController],
  providers: [fileEventsClientProvider, UploadsService, UploadsQueryService],
})
export class UploadsModule {}
