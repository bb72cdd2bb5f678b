import { OverCapacityError, type CapacityScope } from '../admission/over-capacity.error';

/**
 * No staging slot for a large upload (each holds a 5 MiB part buffer): the user holds their
 * share of `UPLOAD_MAX_CONCURRENT_STAGED` already (429), or every slot is taken (503).
 * Refused at once rather than letting memory grow with load.
 */
export class StagingBusyError extends OverCapacityError {
  override readonly name = 'StagingBusyError';

  constructor(scope: CapacityScope, message: string) {
    super(scope, message);
  }
}
