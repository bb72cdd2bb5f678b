import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  GoneException,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type CognitoPrincipal } from '../../auth';
import { UploadAcceptedDto } from '../dto/upload-accepted.dto';
import { uploadHttpException } from '../upload-http-exception';
import { correlationIdOf } from '../correlation-id';
import { CompletionCapInterceptor } from './completion-cap.interceptor';
import { PresignedUploadBusyError } from './presigned-upload-busy.error';
import { PresignedUploadGoneError } from './presigned-upload-gone.error';
import { PresignedUploadIncompleteError } from './presigned-upload-incomplete.error';
import { PresignedUploadNotFoundError } from './presigned-upload-not-found.error';
import { PresignedUploadRequestDto, PresignedUploadRequestSchema } from './presigned-upload-request.dto';
import { PresignedUploadDto } from './presigned-upload.dto';
import { PresignedUploadsService } from './presigned-uploads.service';
import { ApiUserResponses } from '../../http/api-user-responses.decorator';

/** Unknown and malformed ids are both "no such upload". */
const uploadId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('Upload not found') });

/** `POST /uploads/presigned` and `POST /uploads/:id/complete`: large files straight to S3. */
@ApiTags('uploads')
@ApiUserResponses()
@Controller('uploads')
export class PresignedUploadsController {
  constructor(private readonly presigned: PresignedUploadsService) {}

  @Post('presigned')
  @HttpCode(201)
  @ApiBody({ type: PresignedUploadRequestDto })
  @ApiResponse({ status: 201, type: PresignedUploadDto, description: 'PUT the bytes to upload_url with these headers, then complete' })
  @ApiResponse({ status: 400, description: 'Invalid request body' })
  @ApiResponse({ status: 413, description: 'size is over UPLOAD_MAX_BYTES' })
  @ApiResponse({ status: 503, description: 'Bucket unavailable; retry after Retry-After seconds' })
  async create(
    @Body() body: unknown,
    @CurrentUser() user: CognitoPrincipal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PresignedUploadDto> {
    const parsed = PresignedUploadRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new BadRequestException(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`));
    }
    try {
      return await this.presigned.create(parsed.data, user);
    } catch (error) {
      throw uploadHttpException(error, request, response, correlationIdOf(request));
    }
  }

  @Post(':id/complete')
  @UseInterceptors(CompletionCapInterceptor)
  @HttpCode(202)
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Correlation id carried by the event' })
  @ApiResponse({ status: 202, type: UploadAcceptedDto, description: 'The event is durably in the stream' })
  @ApiResponse({ status: 404, description: 'No such presigned upload for this user' })
  @ApiResponse({ status: 409, description: 'Nothing uploaded yet, not what was presigned (size, owner), or another request is completing it' })
  @ApiResponse({ status: 410, description: 'The upload was deleted, or its presigned grant expired before it was completed' })
  @ApiResponse({ status: 503, description: 'UPLOAD_MAX_CONCURRENT_COMPLETIONS completions under way, or stream or bucket unavailable; retry after Retry-After seconds. When the stream may have taken the event all the same, the body carries the upload\'s `id` and `outcome: "unknown"` (and `Location` names it): GET it before uploading again' })
  async complete(
    @Param('id', uploadId) id: string,
    @CurrentUser() user: CognitoPrincipal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UploadAcceptedDto> {
    const correlationId = correlationIdOf(request);
    try {
      const accepted = await this.presigned.complete(id, user, correlationId);
      return { message: 'File uploaded and event sent', file_key: accepted.file_key, id: accepted.id };
    } catch (error) {
      if (error instanceof PresignedUploadNotFoundError) throw new NotFoundException('Upload not found');
      if (error instanceof PresignedUploadIncompleteError || error instanceof PresignedUploadBusyError) throw new ConflictException(error.message);
      if (error instanceof PresignedUploadGoneError) throw new GoneException(error.message);
      throw uploadHttpException(error, request, response, correlationId);
    }
  }
}
