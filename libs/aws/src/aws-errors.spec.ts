import { classifyAwsError, httpStatusOf, isNetworkError, isThrottlingError, isTransientAwsError, mayHaveTakenEffect, type AwsErrorKind } from './aws-errors';

const sdkError = (name: string, status?: number, extra: object = {}) =>
  Object.assign(new Error(name), { name, $metadata: status === undefined ? {} : { httpStatusCode: status }, ...extra });

describe('AWS error kinds', () => {
  it.each([
    ['throttling', sdkError('ProvisionedThroughputExceededException', 400)],
    ['S3 SlowDown', sdkError('SlowDown', 503)],
    ['a 5xx', sdkError('InternalError', 500)],
    ['a 429', sdkError('TooManyRequests', 429)],
    ['an SDK request timeout', sdkError('TimeoutError')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['an SDK-wrapped network failure without a code', sdkError('Error')],
    ['an error the SDK marks retryable', sdkError('Whatever', 400, { $retryable: {} })],
  ])('retries %s', (_name, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ['a missing stream', sdkError('ResourceNotFoundException', 400)],
    ['denied access', sdkError('AccessDeniedException', 403)],
    ['a validation error', sdkError('ValidationException', 400)],
    ['a plain bug', new TypeError('x is undefined')],
    ['a non-error', 'oops'],
  ])('does not retry %s', (_name, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });

  it('names the kinds separately', () => {
    expect(isThrottlingError(sdkError('ThrottlingException', 400))).toBe(true);
    expect(isThrottlingError(sdkError('ValidationException', 400))).toBe(false);
    expect(isNetworkError(Object.assign(new Error(), { code: 'ETIMEDOUT' }))).toBe(true);
    expect(isNetworkError(sdkError('InternalError', 500))).toBe(false);
    expect(httpStatusOf(sdkError('NoSuchKey', 404))).toBe(404);
    expect(httpStatusOf(new Error('no answer'))).toBeUndefined();
  });
});

const KINDS: Array<[string, unknown, AwsErrorKind]> = [
  // Slow down, then the same call succeeds.
  ['ProvisionedThroughputExceededException', sdkError('ProvisionedThroughputExceededException', 400), 'throttled'],
  ['ThrottlingException', sdkError('ThrottlingException', 400), 'throttled'],
  ['SlowDown', sdkError('SlowDown', 503), 'throttled'],
  ['a bare 429', sdkError('TooManyRequests', 429), 'throttled'],
  // Not answered, or answered "not now".
  ['InternalError (500)', sdkError('InternalError', 500), 'unavailable'],
  ['ServiceUnavailable (503)', sdkError('ServiceUnavailable', 503), 'unavailable'],
  ['InternalFailure', sdkError('InternalFailure', 500), 'unavailable'],
  ['TimeoutError', sdkError('TimeoutError'), 'unavailable'],
  ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'unavailable'],
  ['an SDK-wrapped failure with no answer', sdkError('Error'), 'unavailable'],
  // Someone has to fix something; then the same call succeeds.
  ['NoSuchBucket', sdkError('NoSuchBucket', 404), 'operator'],
  ['ResourceNotFoundException (a missing table or stream)', sdkError('ResourceNotFoundException', 400), 'operator'],
  ['AccessDenied', sdkError('AccessDenied', 403), 'operator'],
  ['AccessDeniedException', sdkError('AccessDeniedException', 400), 'operator'],
  ['InvalidAccessKeyId', sdkError('InvalidAccessKeyId', 403), 'operator'],
  ['ExpiredToken', sdkError('ExpiredToken', 400), 'operator'],
  ['UnrecognizedClientException', sdkError('UnrecognizedClientException', 400), 'operator'],
  ['KMSDisabledException', sdkError('KMSDisabledException', 400), 'operator'],
  ['an unnamed 403', sdkError('Forbidden', 403), 'operator'],
  // The object the call named: no retry changes the answer.
  ['NoSuchKey', sdkError('NoSuchKey', 404), 'object'],
  ['NotFound (HeadObject)', sdkError('NotFound', 404), 'object'],
  ['NoSuchVersion', sdkError('NoSuchVersion', 404), 'object'],
  ['NoSuchUpload', sdkError('NoSuchUpload', 404), 'object'],
  ['PreconditionFailed', sdkError('PreconditionFailed', 412), 'object'],
  ['an unnamed 412', sdkError('Unknown', 412), 'object'],
  ['InvalidRange', sdkError('InvalidRange', 416), 'object'],
  ['an unnamed 416', sdkError('Unknown', 416), 'object'],
  ['InvalidObjectState (archived)', sdkError('InvalidObjectState', 403), 'object'],
  ['ConditionalCheckFailedException', sdkError('ConditionalCheckFailedException', 400), 'object'],
  // The request is wrong: a bug.
  ['ValidationException', sdkError('ValidationException', 400), 'request'],
  ['InvalidArgument', sdkError('InvalidArgument', 400), 'request'],
  ['EntityTooLarge (413)', sdkError('EntityTooLarge', 413), 'request'],
  ['MissingContentLength (411)', sdkError('MissingContentLength', 411), 'request'],
  // Not from an AWS call at all.
  ['a TypeError', new TypeError('x is undefined'), 'unknown'],
  ['a string', 'oops', 'unknown'],
];

describe('classifyAwsError', () => {
  it.each(KINDS.map(([name, error, kind]) => [`${name} → ${kind}`, error, kind] as const))('%s', (_name, error, kind) => {
    expect(classifyAwsError(error)).toBe(kind);
  });
});

describe('mayHaveTakenEffect', () => {
  const socketError = (code: string) => Object.assign(new Error(code), { code });

  it.each([
    ['a timeout', sdkError('TimeoutError')],
    ['an aborted request', sdkError('AbortError')],
    ['a reset connection (the request may have been read)', socketError('ECONNRESET')],
    ['a broken pipe', socketError('EPIPE')],
    ['a 500', sdkError('InternalFailure', 500)],
    ['a 503', sdkError('ServiceUnavailable', 503)],
    ['an SDK-wrapped network failure without a code', sdkError('Error')],
  ])('is unsure after %s', (_name, error) => {
    expect(mayHaveTakenEffect(error)).toBe(true);
  });

  it.each([
    ['throttling (400)', sdkError('ProvisionedThroughputExceededException', 400)],
    ['a validation error', sdkError('ValidationException', 400)],
    ['denied access', sdkError('AccessDeniedException', 403)],
    ['a 429', sdkError('TooManyRequests', 429)],
    ['a refused connection', socketError('ECONNREFUSED')],
    ['an unknown host', socketError('ENOTFOUND')],
    ['an unreachable network', socketError('ENETUNREACH')],
    ['a modeled client error without its status', Object.assign(new Error('Stream x not found'), { name: 'ResourceNotFoundException', $fault: 'client', $metadata: {} })],
  ])('knows nothing was done after %s', (_name, error) => {
    expect(mayHaveTakenEffect(error)).toBe(false);
  });
});
