/**
 * How an owner's uploads are found without a scan: the `file-uploads` table's global secondary
 * index {@link OWNER_INDEX_NAME}, partition key `owner_sub`, sort key {@link LIST_KEY_ATTRIBUTE}.
 * No Nest and no SDK here: the local cloud and `deploy/` create the index from these names.
 *
 * Both items of an upload, the api's `pending#<id>` and the worker's own item (tombstone
 * included), carry the same list key, so a query meets them side by side and the listing
 * shows the upload once, as its own item says (see `UploadListingRepository`).
 */
export const OWNER_INDEX_NAME = 'by-owner';

/** Partition key of {@link OWNER_INDEX_NAME}. */
export const OWNER_ATTRIBUTE = 'owner_sub';

/** Sort key of {@link OWNER_INDEX_NAME}: `<accepted_at>#<upload id>` (see {@link listKeyOf}). */
export const LIST_KEY_ATTRIBUTE = 'list_key';

/** What the index carries besides its keys and the table's `id`: a listed row, nothing more. */
export const OWNER_INDEX_PROJECTED_ATTRIBUTES = [
  'file_key',
  'original_name',
  'size',
  'content_type',
  'status',
  'accepted_at',
  'updated_at',
] as const;

/** An ISO-8601 UTC time to the millisecond, `#`, a lowercase UUID. */
export const LIST_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The sort key of an upload in its owner's index: newest first is descending order (ISO-8601
 * times sort as strings), and the id makes it unique, so a page can end between two uploads
 * accepted in the same millisecond.
 */
export function listKeyOf(acceptedAt: string, uploadId: string): string {
  return `${new Date(acceptedAt).toISOString()}#${uploadId}`;
}
