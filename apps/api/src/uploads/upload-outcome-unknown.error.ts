import type { KinesisPublishError } from '@lib/kinesis';
import type { AcceptedUpload } from './accepted-upload';

/**
 * The stream neither confirmed nor refused an upload's event (a call that carried it went
 * unanswered), so it may yet be stored. Answered 503 like any publish failure, but with the
 * upload's id, which the client needs to find out what became of it (`GET /uploads/:id`) or
 * to delete it.
 */
export class UploadOutcomeUnknownError extends Error {
  override readonly name = 'UploadOutcomeUnknownError';

  constructor(
    readonly upload: AcceptedUpload,
    cause: KinesisPublishError,
  ) {
    super(`upload ${upload.id}: the stream did not confirm its event (${cause.message})`, { cause });
  }
}
