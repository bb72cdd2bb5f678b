/** Error names of the AWS services we call that say "not now", not "never". */
const THROTTLING_OR_TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'InternalFailure',
  'InternalFailureException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Whether an AWS SDK call that failed may succeed when sent again: throttling, server errors and
 * network errors (no HTTP status at all: refused, reset, timed out) may; a missing stream or
 * table, a bad request or denied access may not — retrying would only delay the same answer.
 */
export function isTransientAwsError(error: unknown): boolean {
  const shape = (error ?? {}) as SdkErrorShape;
  if (shape.name !== undefined && THROTTLING_OR_TRANSIENT.has(shape.name)) return true;
  if (shape.$retryable) return true;
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  // Went through the SDK (which adds $metadata) without an HTTP answer: a network failure,
  // even when the SDK had to wrap it into a bare Error that lost its code (as under jest).
  if (shape.$metadata !== undefined) return true;
  // No HTTP answer at all: a socket error (ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ...).
  return typeof shape.code === 'string' && /^E[A-Z_]+$/.test(shape.code);
}
