import type { Request, Response } from 'express';
import { BodyRateMeter, type BodyRatePolicy } from './body-rate.meter';

/** How often a body's progress is sampled. */
export const BODY_RATE_CHECK_INTERVAL_MS = 1_000;

/**
 * Whether the api is waiting on the client for more of the body: nothing read is left
 * unconsumed and the server has not paused the socket. When the reader falls behind (S3 is
 * slow to take a part), the request's buffer fills and Node pauses the socket: that time is
 * the api's, not the client's.
 */
function waitingForClient(request: Request): boolean {
  return request.readableLength === 0 && !request.socket.isPaused();
}

/**
 * Ends an upload whose body arrives slower than the policy allows (see {@link BodyRateMeter})
 * with 408 and a closed connection, well before the request timeout: a stalled body holds
 * a share of the user's uploads and of the api's memory while it waits. The reader then sees
 * the body break off and stops. Stops watching when the body is complete or the response ends.
 */
export function watchBodyRate(request: Request, response: Response, policy: BodyRatePolicy): void {
  const meter = new BodyRateMeter(policy);
  const socket = request.socket;
  const bytesAtStart = socket.bytesRead;
  let lastCheck = performance.now();
  const timer = setInterval(() => {
    if (request.complete) {
      clearInterval(timer);
      return;
    }
    const now = performance.now();
    const tooSlow = meter.isTooSlow(socket.bytesRead - bytesAtStart, waitingForClient(request), now - lastCheck);
    lastCheck = now;
    if (!tooSlow) return;
    clearInterval(timer);
    if (response.headersSent) {
      socket.destroy();
      return;
    }
    // Node closes the socket once this answer is out, which ends the body for its reader too.
    response.setHeader('Connection', 'close');
    response.status(408).json({
      statusCode: 408,
      error: 'Request Timeout',
      message: `The body arrived slower than ${policy.minBytesPerSecond} bytes/s; send it faster, or use a presigned upload`,
    });
  }, BODY_RATE_CHECK_INTERVAL_MS);
  // A process with only this timer left is free to exit.
  timer.unref();
  response.once('close', () => clearInterval(timer));
}
