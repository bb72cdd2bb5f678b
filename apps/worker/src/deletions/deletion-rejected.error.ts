/**
 * A `file.deletion-requested` event that can never be carried out however often it is
 * delivered (an unknown payload version, an owner or key that is not the upload's). Not
 * retriable: the transport dead-letters the record and the shard moves on.
 */
export class DeletionRejectedError extends Error {
  override readonly name = 'DeletionRejectedError';
}
