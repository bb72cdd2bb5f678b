import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { finalize, type Observable } from 'rxjs';
import { apiConfig, type ApiConfig } from '../../config';
import { Allowance } from '../admission/allowance';
import { OverCapacityError } from '../admission/over-capacity.error';
import { overCapacityException } from '../admission/over-capacity.exception';

/**
 * At most `UPLOAD_MAX_CONCURRENT_COMPLETIONS` `complete` calls at once, across all users: a
 * first completion reads and hashes the whole staged object (up to 5 GiB), so unbounded
 * calls would let a few clients keep the api's CPU and S3 connections busy. One more gets 503
 * with `Retry-After` at once. `@UseInterceptors(CompletionCapInterceptor)`: one instance, so
 * one count for the process.
 */
@Injectable()
export class CompletionCapInterceptor implements NestInterceptor {
  private readonly running: Allowance;

  constructor(@Inject(apiConfig.KEY) config: ApiConfig) {
    this.running = new Allowance(config.admission.maxConcurrentCompletions);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.running.tryTake()) {
      const http = context.switchToHttp();
      throw overCapacityException(
        new OverCapacityError('all', `${this.running.limit} uploads are being completed already`),
        http.getRequest<Request>(),
        http.getResponse<Response>(),
      );
    }
    return next.handle().pipe(finalize(() => this.running.give()));
  }

  /** Completions under way (for tests). */
  get inFlight(): number {
    return this.running.used;
  }
}
