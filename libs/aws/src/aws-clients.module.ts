import {
  DynamicModule,
  Module,
  type FactoryProvider,
  type ModuleMetadata,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClientsOptions } from './aws-clients.options';
import {
  createDynamoDbDocumentClient,
  createKinesisClient,
  createS3Client,
} from './aws-client.factories';

export const AWS_CLIENTS_OPTIONS = Symbol('AWS_CLIENTS_OPTIONS');

export interface AwsClientsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: FactoryProvider['inject'];
  useFactory: (...args: any[]) => AwsClientsOptions | Promise<AwsClientsOptions>;
}

/**
 * Provides one `KinesisClient`, `S3Client` and `DynamoDBDocumentClient` per app, under their
 * own classes as tokens: services receive clients, never construct them. Clients are
 * destroyed (sockets closed) when the app shuts down.
 */
@Module({})
export class AwsClientsModule implements OnApplicationShutdown {
  constructor(
    private readonly kinesis: KinesisClient,
    private readonly s3: S3Client,
    private readonly dynamodb: DynamoDBDocumentClient,
  ) {}

  onApplicationShutdown(): void {
    this.kinesis.destroy();
    this.s3.destroy();
    this.dynamodb.destroy();
  }

  static forRootAsync(options: AwsClientsModuleAsyncOptions): DynamicModule {
    const client = <T>(token: Function & { prototype: T }, create: (o: AwsClientsOptions) => T): FactoryProvider<T> => ({
      provide: token,
      inject: [AWS_CLIENTS_OPTIONS],
      useFactory: create,
    });
    return {
      module: AwsClientsModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: AWS_CLIENTS_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        client(KinesisClient, createKinesisClient),
        client(S3Client, createS3Client),
        client(DynamoDBDocumentClient, createDynamoDbDocumentClient),
      ],
      exports: [AWS_CLIENTS_OPTIONS, KinesisClient, S3Client, DynamoDBDocumentClient],
    };
  }
}
