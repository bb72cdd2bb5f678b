import { StagingUnavailableError } from './staging-unavailable.error';

/**
 * As many large uploads are being staged as `UPLOAD_MAX_CONCURRENT_STAGED` allows (each holds
 * a 5 MiB part buffer): refused at once with 503 rather than letting memory grow with load.
 */
export class StagingBusyError extends StagingUnavailableError {
  override readonly name = 'StagingBusyError';

  constructor(readonly limit: number) {
    super(`${limit} large uploads are being staged already`);
  }
}
