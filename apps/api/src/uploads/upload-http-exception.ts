import {
  BadRequestException,
  HttpException,
  Logger,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { ContractViolationError } from '@lib/contracts';
import { KinesisPublishError, RecordTooLargeError } from '@lib/kinesis';
import { OverCapacityError } from './admission/over-capacity.error';
import { overCapacityException } from './admission/over-capacity.exception';
import { StagingUnavailableError } from './intake/staging-unavailable.error';
import { UnreadableUploadError } from './intake/unreadable-upload.error';
import { UnsupportedContentEncodingError } from './intake/unsupported-content-encoding.error';
import { UploadTooLargeError } from './intake/upload-too-large.error';
import { UploadOutcomeUnknownError } from './upload-outcome-unknown.error';

const logger = new Logger('Uploads');

/**
 * The HTTP answer to an error of an upload endpoint; anything unknown is returned as it is
 * (Nest answers 500). A dependency outage (stream or bucket) becomes 503 with `Retry-After`,
 * never a 202; when the stream may have taken the event all the same, the 503 carries the
 * upload's id and `outcome: "unknown"`. Over a limit on work under way: 429 (the user's own) or
 * 503 (the api's), with `Retry-After` (see admission/). When the request body was not read to its end, the connection is closed after
 * the answer instead of reading (and discarding) the rest of a body nobody wants.
 */
export function uploadHttpException(error: unknown, request: Request, response: Response, correlationId: string): unknown {
  if (!request.complete) response.setHeader('Connection', 'close');
  if (error instanceof HttpException) return error;
  if (error instanceof OverCapacityError) return overCapacityException(error, request, response);
  if (error instanceof UploadOutcomeUnknownError) {
    logger.warn(`503 for upload ${error.upload.id} (correlation ${correlationId}), which may be stored: ${error.message}`);
    response.setHeader('Retry-After', '1');
    response.setHeader('Location', `/uploads/${error.upload.id}`);
    return new ServiceUnavailableException({
      statusCode: 503,
      error: 'Service Unavailable',
      message: `The event stream did not confirm this upload; it may still be stored. GET /uploads/${error.upload.id} tells what became of it`,
      outcome: 'unknown',
      id: error.upload.id,
      file_key: error.upload.file_key,
    });
  }
  if (error instanceof KinesisPublishError || error instanceof StagingUnavailableError) {
    logger.warn(`503 for upload (correlation ${correlationId}): ${error.name}: ${error.message}`);
    response.setHeader('Retry-After', '1');
    return new ServiceUnavailableException(
      error instanceof KinesisPublishError ? 'The event stream is unavailable; retry shortly' : 'File storage is unavailable; retry shortly',
    );
  }
  if (error instanceof UploadTooLargeError) return new PayloadTooLargeException(error.message);
  if (error instanceof RecordTooLargeError) return new PayloadTooLargeException('The file does not fit one event');
  if (error instanceof UnreadableUploadError) return new BadRequestException(error.message);
  if (error instanceof UnsupportedContentEncodingError) return new UnsupportedMediaTypeException(error.message);
  if (error instanceof ContractViolationError) return new BadRequestException(`Invalid upload: ${error.issues.join('; ')}`);
  return error;
}
