/** A `ServerKinesis` option is missing or out of range: a programming error, found at start-up. */
export class InvalidKinesisOptionsError extends Error {
  override readonly name = 'InvalidKinesisOptionsError';
}
