import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  Headers,
  HttpCode,
  Logger,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ContractViolationError } from '@lib/contracts';
import { KinesisPublishError, RecordTooLargeError } from '@lib/kinesis';
import { CurrentUser, type CognitoPrincipal } from '../auth';
import { UploadAcceptedDto } from './dto/upload-accepted.dto';
import { UploadStatusDto } from './dto/upload-status.dto';
import type { IncomingFile } from './incoming-file';
import { isMultipart } from './raw-upload-body.middleware';
import { UploadsQueryService } from './uploads-query.service';
import { UploadsService } from './uploads.service';

/** The fields of multer's in-memory file that the api uses. */
interface MultipartFile {
  buffer: Buffer;
  mimetype: string;
  originalname: string;
}

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Unknown and malformed ids are both "no such upload". */
const uploadId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('Upload not found') });

@ApiTags('uploads')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or invalid access token' })
@Controller('uploads')
export class UploadsController {
  private readonly logger = new Logger(UploadsController.name);

  constructor(
    private readonly uploads: UploadsService,
    private readonly queries: UploadsQueryService,
  ) {}

  @Post()
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('application/octet-stream', 'multipart/form-data')
  @ApiBody({
    description: 'The file: raw bytes with their Content-Type, or multipart/form-data with a "file" field',
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiQuery({ name: 'filename', required: false, description: 'File name (picks the extension only)' })
  @ApiHeader({ name: 'X-Filename', required: false, description: 'File name (picks the extension only)' })
  @ApiHeader({ name: 'X-Request-Id', required: false, description: 'Correlation id carried by the event' })
  @ApiResponse({ status: 202, type: UploadAcceptedDto, description: 'The event is durably in the stream' })
  @ApiResponse({ status: 400, description: 'Empty body or unusable file' })
  @ApiResponse({ status: 413, description: 'Over the size limit' })
  @ApiResponse({ status: 503, description: 'Stream unavailable; retry after Retry-After seconds' })
  async upload(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentUser() user: CognitoPrincipal,
    @UploadedFile() part: MultipartFile | undefined,
    @Query('filename') queryName: string | undefined,
    @Headers('x-filename') headerName: string | undefined,
    @Headers('x-request-id') requestId: string | undefined,
  ): Promise<UploadAcceptedDto> {
    const file = this.incomingFile(request, part, headerName ?? (typeof queryName === 'string' ? queryName : undefined));
    const correlationId = requestId !== undefined && REQUEST_ID.test(requestId) ? requestId : randomUUID();
    try {
      const accepted = await this.uploads.accept(file, user, correlationId);
      return { message: 'File uploaded and event sent', file_key: accepted.file_key, id: accepted.id };
    } catch (error) {
      if (error instanceof KinesisPublishError) {
        this.logger.warn(`503 for upload (correlation ${correlationId}): ${error.message}`);
        response.setHeader('Retry-After', '1');
        throw new ServiceUnavailableException('The event stream is unavailable; retry shortly');
      }
      if (error instanceof RecordTooLargeError) throw new PayloadTooLargeException('The file does not fit one event');
      if (error instanceof ContractViolationError) throw new BadRequestException(`Invalid upload: ${error.issues.join('; ')}`);
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

  private incomingFile(request: Request, part: MultipartFile | undefined, name: string | undefined): IncomingFile {
    if (isMultipart(request) && part === undefined) {
      throw new BadRequestException('The multipart form has no "file" field');
    }
    const file: IncomingFile = part
      ? { bytes: part.buffer, contentType: part.mimetype || 'application/octet-stream', name: part.originalname || name }
      : {
          bytes: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          contentType: request.headers['content-type'] || 'application/octet-stream',
          name,
        };
    if (file.bytes.length === 0) {
      throw new BadRequestException('The file is empty: send its bytes as the body, or as the "file" field of a multipart form');
    }
    if (file.contentType.length > 255 || !MEDIA_TYPE.test(file.contentType)) {
      throw new BadRequestException('The Content-Type is not a valid media type');
    }
    return file;
  }
}
