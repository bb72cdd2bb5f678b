import type { FileUploadedV1 } from '@lib/contracts';
import type { UploadFacts } from './upload-record';

/** What an upload-status record says about the upload, from the event that carried it. */
export function uploadFactsFrom(
  event: Omit<FileUploadedV1, 'body'>,
  /** When the event was created (the packet's `occurred_at`): the api accepted it then. */
  acceptedAt: string,
): UploadFacts {
  return {
    id: event.id,
    file_key: event.file_key,
    owner_sub: event.owner.sub,
    owner_username: event.owner.username,
    content_type: event.content_type,
    size: event.size,
    sha256: event.sha256,
    original_name: event.original_name,
    accepted_at: acceptedAt,
  };
}
