import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import busboy from 'busboy';
import { UnreadableUploadError } from './unreadable-upload.error';
import { UnsupportedContentEncodingError } from './unsupported-content-encoding.error';
import type { UploadSource } from './upload-source';
import { UploadTooLargeError } from './upload-too-large.error';

/**
 * Room for a multipart form's boundaries, part headers and small fields around a file of the
 * largest size, when judging a form by its Content-Length before reading it.
 */
const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

/**
 * Decoders for a compressed raw body, as body-parser had them: the file is what the client
 * compressed, and the size limit applies to the decoded bytes (the intake counts those).
 */
const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** Form limits (as multer had them): one form is one file plus a few small fields. */
const FORM_LIMITS = { fields: 10, fieldSize: 64 * 1024, parts: 20, files: 10 } as const;

export function isMultipart(request: IncomingMessage): boolean {
  return /^multipart\//i.test(request.headers['content-type'] ?? '');
}

/**
 * Opens the body of `POST /uploads` as a stream of the file's bytes without reading them:
 * the raw body itself (any content type but multipart), or the `file` part of a
 * `multipart/form-data` form, parsed by busboy as it streams. Nothing is buffered here; the
 * intake reads the stream and enforces the size limit as bytes pass.
 *
 * @param fallbackName the name from `X-Filename` or `?filename=` (a form part's own wins)
 * @throws UploadTooLargeError when the Content-Length alone already exceeds the limit
 * @throws UnreadableUploadError when a form is malformed or has no `file` field
 * @throws UnsupportedContentEncodingError for a raw body in an encoding it cannot decode
 */
export async function openUploadSource(request: IncomingMessage, maxBytes: number, fallbackName?: string): Promise<UploadSource> {
  const multipart = isMultipart(request);
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const declared = Number(request.headers['content-length']);
  // A compressed body's length says nothing sure about the decoded size: the intake counts it.
  if (encoding === 'identity' && Number.isFinite(declared) && declared > maxBytes + (multipart ? MULTIPART_ENVELOPE_BYTES : 0)) {
    throw new UploadTooLargeError(maxBytes);
  }
  if (multipart) return openFormFile(request, maxBytes, fallbackName);
  return { stream: decoded(request, encoding), contentType: request.headers['content-type'] || 'application/octet-stream', name: fallbackName };
}

function decoded(request: IncomingMessage, encoding: string): Readable {
  if (encoding === 'identity') return request;
  const decoder = DECODERS[encoding];
  if (decoder === undefined) throw new UnsupportedContentEncodingError(encoding);
  const stream = decoder();
  // pipe() does not pass the request's own failure on: a client gone mid-body must end the read.
  request.once('error', (error) => stream.destroy(error));
  request.once('close', () => {
    if (!request.complete) stream.destroy(new UnreadableUploadError('The request ended before the whole body arrived'));
  });
  return request.pipe(stream);
}

function openFormFile(request: IncomingMessage, maxBytes: number, fallbackName: string | undefined): Promise<UploadSource> {
  return new Promise((resolve, reject) => {
    let form: busboy.Busboy;
    try {
      // One byte over the limit is enough for the intake to see that the file is too large.
      form = busboy({ headers: request.headers, limits: { ...FORM_LIMITS, fileSize: maxBytes + 1 } });
    } catch (error) {
      reject(new UnreadableUploadError(`The multipart form cannot be read: ${(error as Error).message}`));
      return;
    }
    let opened = false;
    const fail = (message: string) => {
      if (opened) return;
      opened = true;
      reject(new UnreadableUploadError(message));
    };
    form.on('file', (field, file, info) => {
      // Other file fields are skipped (their bytes drained), as they were with multer.
      if (field !== 'file' || opened) {
        file.resume();
        return;
      }
      opened = true;
      // A client that goes away mid-file must not leave the intake waiting forever.
      request.once('close', () => {
        if (!request.complete) file.destroy(new UnreadableUploadError('The request ended before the whole form arrived'));
      });
      resolve({ stream: file, contentType: info.mimeType || 'application/octet-stream', name: info.filename || fallbackName });
    });
    // After the file was handed over, busboy reports a broken form on the file stream itself.
    form.on('error', (error: Error) => fail(`The multipart form cannot be read: ${error.message}`));
    form.on('close', () => fail('The multipart form has no "file" field'));
    request.once('error', () => fail('The request ended before the form arrived'));
    request.pipe(form);
  });
}
