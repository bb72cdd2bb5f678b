/**
 * How to read an error from an AWS SDK call: throttled, not answered (network), or answered
 * with which status. The one place that knows AWS's error names; callers decide what each
 * kind means for them (retry the same call soon: `isTransientAwsError`; wait out an outage
 * without blaming the record: the worker's `isDependencyOutage`).
 */

interface SdkErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** Error names AWS services use for throttling, whatever HTTP status carries them. */
const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** Error names of a service saying "not now" from its side: internal failure, unavailable. */
const SERVICE_TRANSIENT = new Set(['InternalFailure', 'InternalFailureException', 'ServiceUnavailable', 'ServiceUnavailableException']);

/** Timeouts, from the SDK (TimeoutError, AbortError on a request timeout) or the service. */
const TIMEOUTS = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);

/** Socket-level failures: the service was not reached or did not answer. */
const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ENETDOWN)$/;

function shapeOf(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** The HTTP status the service answered with, if it answered. */
export function httpStatusOf(error: unknown): number | undefined {
  return shapeOf(error).$metadata?.httpStatusCode;
}

export function isThrottlingError(error: unknown): boolean {
  const { name } = shapeOf(error);
  return name !== undefined && THROTTLING.has(name);
}

/** No answer: refused, reset, unreachable, or timed out. */
export function isNetworkError(error: unknown): boolean {
  const { name, code } = shapeOf(error);
  return (name !== undefined && TIMEOUTS.has(name)) || (code !== undefined && NETWORK_CODES.test(code));
}

/**
 * Whether a call that failed may succeed when sent again: throttling, server errors and
 * network errors may; a missing stream or table, a bad request or denied access may not
 * (retrying would only delay the same answer).
 */
export function isTransientAwsError(error: unknown): boolean {
  const shape = shapeOf(error);
  if (isThrottlingError(error) || isNetworkError(error)) return true;
  if (shape.name !== undefined && SERVICE_TRANSIENT.has(shape.name)) return true;
  if (shape.$retryable) return true;
  const status = httpStatusOf(error);
  if (status !== undefined) return status >= 500 || status === 429;
  // Went through the SDK (which adds $metadata) without an HTTP answer: a network failure,
  // even when the SDK had to wrap it into a bare Error that lost its code (as under jest).
  if (shape.$metadata !== undefined) return true;
  // Any other socket error code (EPROTO, ...): no answer either.
  return typeof shape.code === 'string' && /^E[A-Z_]+$/.test(shape.code);
}
