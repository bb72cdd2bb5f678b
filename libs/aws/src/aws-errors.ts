/**
 * How to read an error from an AWS SDK call. The one place that knows AWS's error names;
 * callers decide what each kind means for them (retry the same call soon:
 * `isTransientAwsError`; wait out an outage without blaming the record, or fail the record
 * whose own object is the problem: the worker's `callDependency`).
 */

interface SdkErrorShape {
  name?: string;
  code?: string;
  /** Set on errors the service answered with (the SDK's modeled exceptions). */
  $fault?: 'client' | 'server';
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

/**
 * Answers about the object or item the call named, which no retry will change: it is absent,
 * it changed since it was measured, the range asked for lies past its end, its condition failed.
 */
const ABOUT_THE_OBJECT = new Set([
  'NoSuchKey',
  // HeadObject has no body: a missing key comes back as a bare 404 named NotFound.
  'NotFound',
  'NoSuchVersion',
  'NoSuchUpload',
  'PreconditionFailed',
  'InvalidRange',
  'InvalidObjectState',
  'ConditionalCheckFailedException',
]);

/**
 * Answers that an operator has to act on, not the record: a missing bucket, table or stream,
 * denied access, credentials or a key that are not valid. Waiting (with an alarm) is right:
 * once fixed, the same call succeeds.
 */
const FOR_THE_OPERATOR = new Set([
  'NoSuchBucket',
  'ResourceNotFoundException',
  'AccessDenied',
  'AccessDeniedException',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSNotFoundException',
  'KMSInvalidStateException',
  'PermanentRedirect',
]);

/** Statuses that say the request itself is malformed: a bug, not an outage nor the object's state. */
const REQUEST_FAULT_STATUSES = new Set([400, 411, 413, 414]);

/**
 * What an AWS SDK error means for whoever made the call:
 * - `throttled`: the service asks to slow down; retry later;
 * - `unavailable`: no answer, a timeout or a server error; retry later;
 * - `operator`: a missing bucket, table or stream, denied access, bad credentials; it lasts
 *   until someone fixes it, and then the same call succeeds;
 * - `object`: the object or item the call named is absent, changed or shorter than asked
 *   (`NoSuchKey`, a failed precondition, an unsatisfiable range); no retry changes that;
 * - `request`: the request is malformed (a bug in the caller);
 * - `unknown`: not an error from an AWS call.
 */
export type AwsErrorKind = 'throttled' | 'unavailable' | 'operator' | 'object' | 'request' | 'unknown';

export function classifyAwsError(error: unknown): AwsErrorKind {
  const shape = shapeOf(error);
  const { name } = shape;
  if (isThrottlingError(error)) return 'throttled';
  if (isNetworkError(error) || (name !== undefined && SERVICE_TRANSIENT.has(name))) return 'unavailable';
  if (name !== undefined && ABOUT_THE_OBJECT.has(name)) return 'object';
  if (name !== undefined && FOR_THE_OPERATOR.has(name)) return 'operator';
  const status = httpStatusOf(error);
  if (status !== undefined) {
    if (status === 429) return 'throttled';
    if (status >= 500 || shape.$retryable) return 'unavailable';
    if (status === 412 || status === 416) return 'object';
    if (status === 401 || status === 403) return 'operator';
    return REQUEST_FAULT_STATUSES.has(status) ? 'request' : 'operator';
  }
  if (shape.$retryable) return 'unavailable';
  // Went through the SDK (which adds $metadata) without an HTTP answer: a network failure,
  // even when the SDK had to wrap it into a bare Error that lost its code (as under jest).
  if (shape.$metadata !== undefined) return 'unavailable';
  // Any other socket error code (EPROTO, ...): no answer either.
  if (typeof shape.code === 'string' && /^E[A-Z_]+$/.test(shape.code)) return 'unavailable';
  return 'unknown';
}

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
  const kind = classifyAwsError(error);
  return kind === 'throttled' || kind === 'unavailable';
}

/** Socket failures before the request could leave: the service never saw it. */
const NOT_SENT_CODES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ENETDOWN)$/;

/**
 * Whether a failed call may still have done its work: true unless the service answered with
 * a refusal (any 4xx: nothing was applied) or the request never left (no connection). A
 * timeout, a reset connection or a 5xx leave it open: the service may have applied the
 * request and lost only the answer. A caller that must not lose track of an effect (an
 * upload's event) treats `true` as "outcome unknown", not as "failed".
 */
export function mayHaveTakenEffect(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) return status >= 500;
  const { code, $fault } = shapeOf(error);
  if ($fault !== undefined) return $fault === 'server';
  return !(code !== undefined && NOT_SENT_CODES.test(code));
}
