import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { UploadListingRepository, UploadStatusRepository, type UploadRecord } from '@lib/upload-status';
import { apiConfig, type ApiConfig } from '../config';
import { UploadListCursor } from './list/upload-list.cursor';
import type { UploadListQuery } from './list/upload-list.query';
import { UploadSummaryDto, type UploadListDto } from './dto/upload-list.dto';

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
    private readonly listings: UploadListingRepository,
    private readonly s3: S3Client,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  async findOwned(id: string, ownerSub: string): Promise<UploadRecord | undefined> {
    const record = await this.statuses.find(id);
    return record?.owner_sub === ownerSub ? record : undefined;
  }

  /**
   * A page of the owner's uploads, newest first (`GET /uploads`).
   * @throws InvalidListCursorError when the cursor is not a page's `next`
   */
  async listOwned(ownerSub: string, query: UploadListQuery): Promise<UploadListDto> {
    const before = query.cursor === undefined ? undefined : UploadListCursor.decode(query.cursor);
    const page = await this.listings.list(ownerSub, { limit: query.limit, before, status: query.status });
    return {
      items: page.uploads.map((upload) => UploadSummaryDto.from(upload)),
      next: page.next === undefined ? null : UploadListCursor.encode(page.next),
    };
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
