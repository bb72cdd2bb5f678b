import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { CognitoPrincipal } from '../../auth';
import { apiConfig, type ApiConfig } from '../../config';
import { watchBodyRate } from './body-rate.watch';
import { OverCapacityError } from './over-capacity.error';
import { overCapacityException } from './over-capacity.exception';
import { UploadAdmission, type AdmittedUpload } from './upload-admission';

const ADMITTED_UPLOAD = Symbol('admittedUpload');

/** The Content-Length, or undefined for a chunked body (or anything that is not a byte count). */
function declaredLength(request: Request): number | undefined {
  const length = Number(request.headers['content-length'] ?? Number.NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

type AdmittedRequest = Request & { [ADMITTED_UPLOAD]?: AdmittedUpload };

/** The admission the guard gave this request (for the intake to charge a growing body against). */
export function admittedUploadOf(request: Request): AdmittedUpload | undefined {
  return (request as AdmittedRequest)[ADMITTED_UPLOAD];
}

/**
 * `@UseGuards(UploadAdmissionGuard)` on a route whose body is an upload: after the global
 * guards (so the user is verified and within the rate limit), before a byte of the body is
 * read, it admits the upload ({@link UploadAdmission}) or refuses it with 429/503 and
 * `Retry-After`, closing the connection rather than reading the body. An admitted upload
 * holds its share until its response ends, and its body is held to the minimum rate
 * (`UPLOAD_MIN_BODY_RATE_BYTES_S`).
 */
@Injectable()
export class UploadAdmissionGuard implements CanActivate {
  constructor(
    private readonly admission: UploadAdmission,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AdmittedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const user = request.user as CognitoPrincipal;
    let admitted: AdmittedUpload;
    try {
      admitted = this.admission.admit(user.sub, declaredLength(request));
    } catch (error) {
      if (error instanceof OverCapacityError) throw overCapacityException(error, request, response);
      throw error;
    }
    request[ADMITTED_UPLOAD] = admitted;
    // 'close' comes last on a server (also when the client goes away mid-body); Lambda's
    // response (serverless-express) has no socket and only finishes.
    const release = () => admitted.release();
    response.once('close', release);
    response.once('finish', release);
    const { minBodyRate, rateGraceMs, rateWindowMs } = this.config.admission;
    // On Lambda, API Gateway has the whole body before the api runs: there is no socket to watch.
    if (minBodyRate > 0 && this.config.lambdaFunctionName === undefined) {
      watchBodyRate(request, response, { minBytesPerSecond: minBodyRate, graceMs: rateGraceMs, windowMs: rateWindowMs });
    }
    return true;
  }
}
