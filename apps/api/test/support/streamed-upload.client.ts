import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';

/** What came back from {@link streamUpload}, and how much of the body was sent before it did. */
export interface StreamedUploadResult {
  status: number;
  body: string;
  sentBytes: number;
}

export interface StreamedUploadOptions {
  headers: OutgoingHttpHeaders;
  /** Bytes to offer in total; the client stops early once an answer arrived. */
  totalBytes: number;
  /** Declare `Content-Length: totalBytes`; without it the body goes out chunked. */
  declareLength: boolean;
  chunkBytes?: number;
}

/**
 * The bytes {@link streamUpload} sends: `chunkBytes` of `i mod 251`, repeated (not zeros, so a
 * server cannot get away with a wrong offset). Exposed so tests can hash what was sent.
 */
export function* uploadPattern(totalBytes: number, chunkBytes = 64 * 1024): Generator<Buffer> {
  const pattern = Buffer.from(Array.from({ length: chunkBytes }, (_, i) => i % 251));
  for (let sent = 0; sent < totalBytes; sent += chunkBytes) yield pattern.subarray(0, Math.min(chunkBytes, totalBytes - sent));
}

/**
 * POSTs a body of `totalBytes` in chunks, the way a large upload reaches a server, and keeps
 * listening while it writes: a server may answer early (413) and close the connection, which
 * supertest reports as a write error (EPIPE) instead of the answer. Resolves with the answer;
 * write errors after it are expected and ignored.
 */
export function streamUpload(url: string, options: StreamedUploadOptions): Promise<StreamedUploadResult> {
  const chunks = uploadPattern(options.totalBytes, options.chunkBytes);
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const headers = { ...options.headers, ...(options.declareLength ? { 'Content-Length': String(options.totalBytes) } : {}) };
    const request = httpRequest(url, { method: 'POST', headers });
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      const done = () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), sentBytes });
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', done);
      // A server that closes the connection may cut the body short; the status still counts.
      response.on('error', done);
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = async () => {
      for (const chunk of chunks) {
        if (answered || request.destroyed) break;
        sentBytes += chunk.length;
        if (!request.write(chunk)) {
          // Wait for the server to take more, or for its answer, or for the connection to go.
          await new Promise<void>((next) => {
            const wake = () => {
              request.off('drain', wake);
              request.off('response', wake);
              request.off('close', wake);
              next();
            };
            request.on('drain', wake);
            request.on('response', wake);
            request.on('close', wake);
          });
        }
      }
      if (!answered && !request.destroyed) request.end();
    };
    pump().catch(reject);
  });
}
