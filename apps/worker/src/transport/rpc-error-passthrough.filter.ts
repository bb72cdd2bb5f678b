import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error to the transport as it was thrown. Nest's default RPC filter
 * replaces anything that is not an `RpcException` with `{status: 'error', message:
 * 'Internal server error'}` (and logs its stack on every attempt): the transport would then
 * dead-letter a record with no reason, and the upload's `failed` status would not say why.
 * Apply it with `@UseFilters(RpcErrorPassthroughFilter)` on every event controller.
 */
@Catch()
export class RpcErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
