import type { UploadPartitionKey } from '../config/publisher-environment.schema';

/**
 * The partition key of every event about one upload (`UPLOAD_PARTITION_KEY`): the upload id
 * spreads uploads over the shards; the owner keeps one user's uploads on one shard. Events of
 * one upload share the key, so they land on one shard in the order they were accepted, and the
 * worker handles them one after the other (a deletion after its upload).
 */
export function uploadPartitionKey(choice: UploadPartitionKey, upload: { id: string; ownerSub: string }): string {
  return choice === 'owner' ? upload.ownerSub : upload.id;
}
