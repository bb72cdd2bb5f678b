import { ApiProperty } from '@nestjs/swagger';

/** Reply of `POST /uploads/presigned` (201): where and how to PUT the bytes. */
export class PresignedUploadDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'uploads/7f3c1e9a-2b4d-4e8f-9a6b-1c2d3e4f5a6b.mp4', description: 'Where the file will be stored' })
  file_key!: string;

  @ApiProperty({ description: 'Presigned S3 URL for one PUT of the bytes' })
  upload_url!: string;

  @ApiProperty({ enum: ['PUT'] })
  method!: 'PUT';

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Headers the PUT must carry exactly (Content-Length is set by any HTTP client from the body)',
    example: { 'Content-Type': 'video/mp4', 'Content-Length': '20971520', 'x-amz-meta-owner-sub': '…', 'x-amz-meta-upload-id': '…' },
  })
  headers!: Record<string, string>;

  @ApiProperty({ format: 'date-time', description: 'The URL stops working then' })
  expires_at!: string;
}
