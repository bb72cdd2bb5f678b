import { DynamicModule, Module, type FactoryProvider, type ModuleMetadata } from '@nestjs/common';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UploadStatusBatcher, type UploadStatusBatcherOptions } from './upload-status.batcher';
import { DeletedUploadsReader } from './deleted-uploads.reader';
import { UploadListingRepository } from './upload-listing.repository';
import { UPLOAD_STATUS_TABLE, UploadStatusRepository } from './upload-status.repository';

export interface UploadStatusModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  /** Resolves the name of the `file-uploads` table. Needs `AwsClientsModule` in the app. */
  useFactory: (...args: any[]) => string;
  /** Tuning of the app's `UploadStatusBatcher` (the api's pending writes). */
  batcher?: UploadStatusBatcherOptions;
}

@Module({})
export class UploadStatusModule {
  static forRootAsync(options: UploadStatusModuleAsyncOptions): DynamicModule {
    return {
      module: UploadStatusModule,
      imports: options.imports ?? [],
      providers: [
        { provide: UPLOAD_STATUS_TABLE, inject: options.inject ?? [], useFactory: options.useFactory },
        UploadStatusRepository,
        UploadListingRepository,
        DeletedUploadsReader,
        {
          provide: UploadStatusBatcher,
          inject: [DynamoDBDocumentClient, UPLOAD_STATUS_TABLE],
          useFactory: (dynamodb: DynamoDBDocumentClient, table: string) => new UploadStatusBatcher(dynamodb, table, options.batcher),
        },
      ],
      exports: [UploadStatusRepository, UploadListingRepository, UploadStatusBatcher, DeletedUploadsReader, UPLOAD_STATUS_TABLE],
    };
  }
}
