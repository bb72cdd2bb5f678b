import type { IncomingMessage } from 'node:http';
import { json, urlencoded, type Request, type RequestHandler } from 'express';

/** Largest JSON or form body (the presigned request, say); over it: 413. */
export const JSON_BODY_LIMIT = '100kb';

/** `POST /uploads`: its body is the file, read as a stream by the controller after the guard. */
export function isStreamedUpload(request: IncomingMessage & { path?: string }): boolean {
  return request.method === 'POST' && /^\/uploads\/?$/.test(request.path ?? request.url ?? '');
}

/**
 * The JSON and urlencoded parsers Nest would register, except that they never touch
 * `POST /uploads`: a JSON or form *file* stays bytes, and no body is read before the guard
 * ran. Registered before `init()`; Nest then sees parsers of these names in place and adds
 * none of its own.
 */
export function uploadAwareBodyParsers(): RequestHandler[] {
  const parses = (type: string) => (request: IncomingMessage) =>
    !isStreamedUpload(request) && Boolean((request as Request).is(type));
  // Explicit limits (body-parser's defaults): the api's JSON bodies are a few hundred bytes.
  return [
    json({ type: parses('application/json'), limit: JSON_BODY_LIMIT }),
    urlencoded({ extended: true, type: parses('application/x-www-form-urlencoded'), limit: JSON_BODY_LIMIT }),
  ];
}
