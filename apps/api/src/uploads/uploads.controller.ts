import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, type CognitoPrincipal } from '../auth';
import { apiConfig, type ApiConfig } from '../config';
import { UploadAcceptedDto } from './dto/upload-accepted.dto';
import { correlationIdOf } from './correlation-id';
import { UploadStatusDto } from './dto/upload-status.dto';
import { UploadListDto } from './dto/upload-list.dto';
import { InvalidListCursorError } from './list/upload-list.cursor';
import { UPLOAD_LIST_DEFAULT_LIMIT, UPLOAD_LIST_MAX_LIMIT, UploadListQuerySchema } from './list/upload-list.query';
import { openUploadSource } from './intake/upload-source.reader';
import { uploadHttpException } from './upload-http-exception';
import { UploadsQueryService } from './uploads-query.service';
import { UploadsService } from './uploads.service';
import { ApiUserResponses, RETRY_AFTER_HEADER } from '../http/api-user-responses.decorator';
import { admittedUploadOf, UploadAdmissionGuard } from './admission/upload-admission.guard';

/** Unknown and malformed ids are both "no such upload". */
const uploadId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('Upload not found') });

@ApiTags('uploads')
@ApiUserResponses()
@Controller('uploads')
export class UploadsController {
  constructor(
    private readonly uploads: UploadsService,
    private readonly queries: UploadsQueryService,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  /**
   * The body is streamed, never parsed by Nest: configure-app keeps the JSON and urlencoded
   * parsers off this route, and the guards have run before a byte is read: authentication,
   * the rate limit, then admission (uploads per user, body bytes in memory).
   */
  @Post()
  @UseGuards(UploadAdmissionGuard)
  @HttpCode(202)
  @ApiConsumes('application/octet-stream', 'multipart/form-data')
  @ApiBody({
    description:
      'The file: raw bytes with their Content-Type, or multipart/form-data with a "file" field. Up to ' +
      'UPLOAD_MAX_BYTES (100 MiB by default); files over UPLOAD_INLINE_MAX_BYTES are staged in S3.',
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiQuery({ name: 'filename', required: false, description: 'File name (picks the extension only)' })
  @ApiHeader({ name: 'X-Filename', required: false, description: 'File name (picks the extension only)' })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Correlation id carried by the event' })
  @ApiResponse({ status: 202, type: UploadAcceptedDto, description: 'The event is durably in the stream' })
  @ApiResponse({ status: 400, description: 'Empty body, no "file" field, or unusable file' })
  @ApiResponse({ status: 408, description: 'The body arrived slower than UPLOAD_MIN_BODY_RATE_BYTES_S (the connection is closed)' })
  @ApiResponse({ status: 413, description: 'Over UPLOAD_MAX_BYTES (the connection is closed)' })
  @ApiResponse({
    status: 429,
    description: 'Over the rate limit, or UPLOAD_MAX_CONCURRENT_PER_USER uploads (or your share of the staging slots) under way; retry after Retry-After seconds',
    headers: RETRY_AFTER_HEADER,
  })
  @ApiResponse({ status: 503, description: 'The api holds as many upload bytes or large uploads as it may, or the stream or bucket is unavailable; retry after Retry-After seconds. When the stream may have taken the event all the same, the body carries the upload\'s `id` and `outcome: "unknown"` (and `Location` names it): GET it before uploading again' })
  async upload(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentUser() user: CognitoPrincipal,
    @Query('filename') queryName: string | undefined,
    @Headers('x-filename') headerName: string | undefined,
  ): Promise<UploadAcceptedDto> {
    const correlationId = correlationIdOf(request);
    const name = headerName ?? (typeof queryName === 'string' ? queryName : undefined);
    try {
      const source = { ...(await openUploadSource(request, this.config.uploadMaxBytes, name)), allowance: admittedUploadOf(request) };
      const accepted = await this.uploads.accept(source, user, correlationId);
      return { message: 'File uploaded and event sent', file_key: accepted.file_key, id: accepted.id };
    } catch (error) {
      throw uploadHttpException(error, request, response, correlationId);
    }
  }

  @Get()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: UPLOAD_LIST_MAX_LIMIT, default: UPLOAD_LIST_DEFAULT_LIMIT } })
  @ApiQuery({ name: 'cursor', required: false, description: 'The "next" of the previous page' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'stored', 'failed'] })
  @ApiOkResponse({ type: UploadListDto, description: "The caller's uploads, newest first; deleted ones are not listed" })
  @ApiResponse({ status: 400, description: 'limit out of 1-100, an unknown status, or a cursor that is not a page\'s "next"' })
  async list(@Query() query: Record<string, unknown>, @CurrentUser() user: CognitoPrincipal): Promise<UploadListDto> {
    const parsed = UploadListQuerySchema.safeParse(query);
    if (!parsed.success) {
      throw new BadRequestException(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
    }
    try {
      return await this.queries.listOwned(user.sub, parsed.data);
    } catch (error) {
      if (error instanceof InvalidListCursorError) throw new BadRequestException(error.message);
      throw error;
    }
  }

  @Get(':id')
  @ApiOkResponse({ type: UploadStatusDto })
  @ApiResponse({ status: 404, description: 'No such upload for this user' })
  async status(@Param('id', uploadId) id: string, @CurrentUser() user: CognitoPrincipal): Promise<UploadStatusDto> {
    const record = await this.queries.findOwned(id, user.sub);
    if (record === undefined) throw new NotFoundException('Upload not found');
    return UploadStatusDto.from(record);
  }

  @Get(':id/content')
  @ApiOkResponse({ description: 'The stored bytes, with their content type' })
  @ApiResponse({ status: 404, description: 'No such upload for this user, or it failed' })
  @ApiResponse({ status: 409, description: 'Not stored yet' })
  async content(
    @Param('id', uploadId) id: string,
    @CurrentUser() user: CognitoPrincipal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const content = await this.queries.openContent(id, user.sub);
    if (content.kind === 'missing') throw new NotFoundException('Upload not found');
    if (content.kind === 'pending') throw new ConflictException('Upload not stored yet');
    // The bytes are the user's, not ours: never let a browser run them on the api's origin.
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    return new StreamableFile(content.body, {
      type: content.record.content_type,
      length: content.length,
      disposition: `attachment; filename="${content.record.file_key.slice('uploads/'.length)}"`,
    });
  }
}
