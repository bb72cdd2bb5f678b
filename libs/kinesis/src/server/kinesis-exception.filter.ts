import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error to `ServerKinesis` as it was thrown. Nest's default RPC filter
 * replaces anything that is not an `RpcException` with `{status: 'error', message:
 * 'Internal server error'}`: the transport would then retry and dead-letter a record without
 * its real reason. Put `@UseFilters(KinesisExceptionFilter)` on every event controller: a
 * global filter cannot do it in a hybrid app (the microservice binds its handlers when it is
 * connected, and a global filter would catch the HTTP side's errors too).
 */
@Catch()
export class KinesisExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
