import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { UploadStatusRepository, type UploadRecord } from '@lib/upload-status';
import { apiConfig, type ApiConfig } from '../config';

/** What `GET /uploads/:id/content` can find. */
export type UploadContent =
  | { kind: 'missing' }
  | { kind: 'pending' }
  | { kind: 'ready'; record: UploadRecord; body: Readable; length?: number };

/** Reads uploads back for their owner; anyone else sees nothing (not even that they exist). */
@Injectable()
export class UploadsQueryService {
  constructor(
    private readonly statuses: UploadStatusRepository,
    private readonly s3: S3Client,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  async findOwned(id: string, ownerSub: string): Promise<UploadRecord | undefined> {
    const record = await this.statuses.find(id);
    return record?.owner_sub === ownerSub ? record : undefined;
  }

  async openContent(id: string, ownerSub: string): Promise<UploadContent> {
    const record = await this.findOwned(id, ownerSub);
    if (record === undefined || record.status === 'failed' || record.status === 'deleted') return { kind: 'missing' };
    if (record.status === 'pending') return { kind: 'pending' };
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: record.file_key }));
      return { kind: 'ready', record, body: object.Body as Readable, length: object.ContentLength };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return { kind: 'missing' };
      throw error;
    }
  }
}
