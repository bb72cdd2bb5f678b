import type { FileUploadedV1 } from '@lib/contracts';
import { listKeyOf } from './upload-listing';
import type { UploadFacts } from './upload-record';

/** What an upload-status record says about the upload, from the event that carried it. */
export function uploadFactsFrom(
  event: Omit<FileUploadedV1, 'body'>,
  /**
   * When the event was created (the packet's `occurred_at`): the api accepted it then. Used only
   * for events that do not carry their own `accepted_at` (published before it existed).
   */
  acceptedAt: string,
): UploadFacts {
  // The api's pending item and the worker's items must agree on this time: it orders listings.
  const accepted = event.accepted_at ?? acceptedAt;
  return {
    id: event.id,
    file_key: event.file_key,
    owner_sub: event.owner.sub,
    owner_username: event.owner.username,
    content_type: event.content_type,
    size: event.size,
    sha256: event.sha256,
    original_name: event.original_name,
    accepted_at: accepted,
    list_key: listKeyOf(accepted, event.id),
  };
}
