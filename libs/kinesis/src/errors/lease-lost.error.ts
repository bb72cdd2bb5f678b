/**
 * The lease of a shard is no longer ours (another worker took it, or it expired before we
 * could renew it): this worker must stop reading the shard and must not checkpoint it.
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';

  constructor(
    readonly shardId: string,
    options?: { cause?: unknown },
  ) {
    super(`lease of shard ${shardId} was lost`, options);
  }
}
