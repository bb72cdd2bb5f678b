import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from '@lib/metrics';

/** Why an upload was not accepted, by the status it got: a small, fixed set of dimension values. */
const REFUSAL_REASONS: Record<number, string> = {
  400: 'unreadable',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  408: 'too-slow',
  409: 'conflict',
  413: 'too-large',
  429: 'rate-limited',
  503: 'unavailable',
};

/**
 * Counts each upload request by its outcome once the answer is sent: `UploadsAccepted` (202)
 * with `UploadLatency`, or `UploadsRefused` with a `Reason`. A middleware, because refusals
 * come from everywhere (the auth guard, the limiter, the intake, the publisher) and the status
 * code is the one place they all end up.
 */
@Injectable()
export class UploadOutcomeMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(_request: Request, response: Response, next: NextFunction): void {
    const started = performance.now();
    response.once('finish', () => {
      const status = response.statusCode;
      if (status === 202) {
        this.metrics.count('UploadsAccepted');
        this.metrics.timing('UploadLatency', performance.now() - started);
      } else {
        this.metrics.count('UploadsRefused', { Reason: REFUSAL_REASONS[status] ?? (status >= 500 ? 'error' : 'other') });
      }
    });
    // A client that hangs up before the answer: neither accepted (it never learnt) nor refused.
    response.once('close', () => {
      if (!response.writableFinished) this.metrics.count('UploadsAbandoned');
    });
    next();
  }
}
