import {
  ConflictException,
  Controller,
  Delete,
  HttpCode,
  Logger,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Req,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { KinesisPublishError } from '@lib/kinesis';
import { CurrentUser, type CognitoPrincipal } from '../auth';
import { correlationIdOf } from '../uploads/correlation-id';
import { DeletionAcceptedDto } from './dto/deletion-accepted.dto';
import { ApiUserResponses } from '../http/api-user-responses.decorator';
import { UploadDeletionsService } from './upload-deletions.service';

/** Unknown and malformed ids are both "no such upload". */
const uploadId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('Upload not found') });

/** `DELETE /uploads/:id`: the owner asks for an upload to be deleted; the worker deletes it. */
@ApiTags('uploads')
@ApiUserResponses()
@Controller('uploads')
export class DeletionsController {
  private readonly logger = new Logger(DeletionsController.name);

  constructor(private readonly deletions: UploadDeletionsService) {}

  @Delete(':id')
  @HttpCode(202)
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Correlation id carried by the event' })
  @ApiResponse({
    status: 202,
    type: DeletionAcceptedDto,
    description: 'The deletion request is durably in the stream; GET /uploads/:id says "deleted" once it is done',
  })
  @ApiResponse({ status: 404, description: 'No such upload for this user' })
  @ApiResponse({ status: 409, description: 'The upload is deleted already' })
  @ApiResponse({ status: 503, description: 'Stream unavailable; retry after Retry-After seconds' })
  async remove(
    @Param('id', uploadId) id: string,
    @CurrentUser() user: CognitoPrincipal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeletionAcceptedDto> {
    const correlationId = correlationIdOf(request);
    try {
      const result = await this.deletions.request(id, user, correlationId);
      if (result.kind === 'missing') throw new NotFoundException('Upload not found');
      if (result.kind === 'deleted-already') throw new ConflictException('Upload deleted already');
      return { message: 'Deletion requested', id: result.id, event_id: result.eventId };
    } catch (error) {
      // Never 202 unless the event is in the stream: an outage is 503, to be retried.
      if (!(error instanceof KinesisPublishError)) throw error;
      this.logger.warn({ msg: `503 for deletion: ${error.name}: ${error.message}`, uploadId: id, correlationId });
      response.setHeader('Retry-After', '1');
      throw new ServiceUnavailableException('The event stream is unavailable; retry shortly');
    }
  }
}
