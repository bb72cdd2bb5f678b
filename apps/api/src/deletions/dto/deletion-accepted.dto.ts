import { ApiProperty } from '@nestjs/swagger';

/** Reply of `DELETE /uploads/:id` (202): the deletion request is in the stream. */
export class DeletionAcceptedDto {
  @ApiProperty({ example: 'Deletion requested' })
  message!: string;

  @ApiProperty({ format: 'uuid', description: 'The upload to be deleted' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'Id of the file.deletion-requested event' })
  event_id!: string;
}
