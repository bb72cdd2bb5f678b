import { httpStatusOf, isNetworkError, isThrottlingError, isTransientAwsError } from './aws-errors';

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
