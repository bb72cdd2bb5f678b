import { HttpException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { Subject, lastValueFrom } from 'rxjs';
import type { ApiConfig } from '../../config';
import { CompletionCapInterceptor } from './completion-cap.interceptor';

describe('CompletionCapInterceptor', () => {
  const headers: Record<string, string> = {};
  const context = {
    switchToHttp: () => ({
      getRequest: () => ({ complete: true }),
      getResponse: () => ({ setHeader: (name: string, value: string) => (headers[name] = value) }),
    }),
  } as unknown as ExecutionContext;
  /** A completion that runs until its subject completes (or fails). */
  const completion = () => {
    const done = new Subject<unknown>();
    const handler: CallHandler = { handle: () => done.asObservable() };
    return { done, handler };
  };

  it('refuses one completion over the cap with 503 and Retry-After, and takes the next once one ended', async () => {
    const cap = new CompletionCapInterceptor({ admission: { maxConcurrentCompletions: 2 } } as ApiConfig);
    const first = completion();
    const second = completion();
    const firstResult = lastValueFrom(cap.intercept(context, first.handler));
    const secondResult = lastValueFrom(cap.intercept(context, second.handler)).catch((error: unknown) => error);
    expect(cap.inFlight).toBe(2);

    let refusal: unknown;
    try {
      cap.intercept(context, completion().handler);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(HttpException);
    expect((refusal as HttpException).getStatus()).toBe(503);
    expect(headers['Retry-After']).toBe('1');

    first.done.next('accepted');
    first.done.complete();
    await firstResult;
    // A failed completion gives its place back too.
    second.done.error(new Error('S3 down'));
    await secondResult;
    expect(cap.inFlight).toBe(0);
  });
});
