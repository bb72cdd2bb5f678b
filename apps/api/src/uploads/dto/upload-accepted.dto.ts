import { ApiProperty } from '@nestjs/swagger';

/** Reply of `POST /uploads` (202): the event is in the stream. */
export class UploadAcceptedDto {
  @ApiProperty({ example: 'File uploaded and event sent' })
  message!: string;

  @ApiProperty({ example: 'uploads/7f3c1e9a-2b4d-4e8f-9a6b-1c2d3e4f5a6b.txt' })
  file_key!: string;

  @ApiProperty({ format: 'uuid' })
  id!: string;
}
