import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';

/** Body of `POST /uploads/presigned`, validated with {@link PresignedUploadRequestSchema}. */
export class PresignedUploadRequestDto {
  @ApiProperty({ example: 'video/mp4', description: 'Content-Type the PUT must send (signed)' })
  content_type!: string;

  @ApiProperty({ example: 20971520, description: 'Exact size in bytes the PUT must send (signed), at most UPLOAD_MAX_BYTES' })
  size!: number;

  @ApiPropertyOptional({ example: 'holiday.mp4', description: 'File name (picks the extension only)' })
  filename?: string;
}

export const PresignedUploadRequestSchema = z.object({
  content_type: z.string().min(1).max(255),
  size: z.number().int().positive(),
  filename: z.string().max(1024).optional(),
});
