import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { OverCapacityError } from './over-capacity.error';

/** Seconds a refused client waits: uploads under way finish or are cut off within seconds. */
export const OVER_CAPACITY_RETRY_AFTER_S = 1;

/**
 * The answer to an {@link OverCapacityError}: 429 when the user reached their own share, 503
 * when the api as a whole is full, both with `Retry-After`. A body not read to its end is not
 * read at all: the connection is closed after the answer.
 */
export function overCapacityException(error: OverCapacityError, request: Request, response: Response): HttpException {
  response.setHeader('Retry-After', String(OVER_CAPACITY_RETRY_AFTER_S));
  if (!request.complete) response.setHeader('Connection', 'close');
  const status = error.scope === 'user' ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
  return new HttpException(
    { statusCode: status, error: status === HttpStatus.TOO_MANY_REQUESTS ? 'Too Many Requests' : 'Service Unavailable', message: `${error.message}; retry after the number of seconds in Retry-After` },
    status,
  );
}
