import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ListedUpload } from '@lib/upload-status';

/** One upload in `GET /uploads`. */
export class UploadSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'uploads/0b7c…e1.pdf' })
  file_key!: string;

  @ApiPropertyOptional({ description: 'The file name the client gave, if any' })
  original_name?: string;

  @ApiProperty()
  size!: number;

  @ApiProperty()
  content_type!: string;

  @ApiProperty({ enum: ['pending', 'stored', 'failed'] })
  status!: ListedUpload['status'];

  @ApiProperty({ format: 'date-time', description: 'When the api accepted the upload (the list is ordered by it)' })
  accepted_at!: string;

  @ApiProperty({ format: 'date-time', description: 'When the status last changed' })
  updated_at!: string;

  static from(upload: ListedUpload): UploadSummaryDto {
    return {
      id: upload.id,
      file_key: upload.file_key,
      ...(upload.original_name === undefined ? {} : { original_name: upload.original_name }),
      size: upload.size,
      content_type: upload.content_type,
      status: upload.status,
      accepted_at: upload.accepted_at,
      updated_at: upload.updated_at,
    };
  }
}

/** Reply of `GET /uploads`: a page of the caller's uploads, newest first. */
export class UploadListDto {
  @ApiProperty({ type: [UploadSummaryDto] })
  items!: UploadSummaryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  next!: string | null;
}
