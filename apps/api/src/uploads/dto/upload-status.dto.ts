import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { UploadFailureCode, UploadRecord } from '@lib/upload-status';

/** Reply of `GET /uploads/:id`: where an upload is, for its owner. */
export class UploadStatusDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  file_key!: string;

  @ApiProperty({ enum: ['pending', 'stored', 'failed', 'deleted'] })
  status!: UploadRecord['status'];

  @ApiProperty()
  size!: number;

  @ApiProperty()
  content_type!: string;

  @ApiProperty()
  sha256!: string;

  @ApiPropertyOptional()
  original_name?: string;

  @ApiProperty({ format: 'date-time' })
  accepted_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;

  @ApiPropertyOptional({
    enum: ['malformed-record', 'no-handler', 'handler-rejected', 'handler-failed', 'record-too-old', 'unconfirmed'],
    description: 'Why the upload failed (status failed only), as a stable code',
  })
  failure_code?: UploadFailureCode;

  @ApiPropertyOptional({ description: 'The same in words, for the owner (status failed only)' })
  failure_reason?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Set when the upload was answered 503 without knowing whether the event stream took it: it becomes stored if it did, ' +
      'and failed if no worker has stored it 10 minutes later',
  })
  unconfirmed_since?: string;

  /** Only the public fields: owner ids and ranks stay internal. */
  static from(record: UploadRecord): UploadStatusDto {
    return {
      id: record.id,
      file_key: record.file_key,
      status: record.status,
      size: record.size,
      content_type: record.content_type,
      sha256: record.sha256,
      original_name: record.original_name,
      accepted_at: record.accepted_at,
      updated_at: record.updated_at,
      ...(record.failure_code === undefined ? {} : { failure_code: record.failure_code }),
      ...(record.failure_reason === undefined ? {} : { failure_reason: record.failure_reason }),
      ...(record.unconfirmed_since === undefined ? {} : { unconfirmed_since: record.unconfirmed_since }),
    };
  }
}
