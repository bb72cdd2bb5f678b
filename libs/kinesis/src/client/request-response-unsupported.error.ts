/** `ClientKinesis.send()` was called: a stream carries events, it has no replies. */
export class RequestResponseUnsupportedError extends Error {
  override readonly name = 'RequestResponseUnsupportedError';

  constructor(readonly pattern: string) {
    super(
      `ClientKinesis does not support request-response (send("${pattern}", ...)): ` +
        'Kinesis carries events only; use emit() and handle them with @EventPattern',
    );
  }
}
