import type { IncomingMessage } from 'node:http';
import {
  BadRequestException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { raw, type RequestHandler } from 'express';

export function isMultipart(request: IncomingMessage): boolean {
  return /^multipart\//i.test(request.headers['content-type'] ?? '');
}

/**
 * Reads a raw upload body (any content type but multipart, which multer handles) into a
 * `Buffer` at `req.body`, up to `limit` bytes. Registered on `/uploads` before the app
 * initialises, so it runs ahead of Nest's JSON parser and a JSON file stays bytes. Parser
 * errors become Nest HTTP exceptions, so they reach the client in Nest's usual JSON shape.
 */
export function rawUploadBody(limit: number): RequestHandler {
  const parse = raw({ type: (request) => !isMultipart(request), limit });
  return (request, response, next) => {
    if (request.method !== 'POST') return next();
    parse(request, response, (error?: unknown) => next(error === undefined ? undefined : toHttpException(error, limit)));
  };
}

function toHttpException(error: unknown, limit: number): unknown {
  const status = (error as { status?: unknown }).status;
  if (status === 413) return new PayloadTooLargeException(`The file is larger than the limit of ${limit} bytes`);
  if (status === 415) return new UnsupportedMediaTypeException((error as Error).message);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new BadRequestException('The request body could not be read');
  }
  return error;
}
