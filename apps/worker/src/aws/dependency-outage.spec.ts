import { S3ServiceException } from '@aws-sdk/client-s3';
import { KinesisPoisonRecordException, KinesisRetriableException } from '@lib/kinesis';
import { callDependency, isDependencyOutage } from './dependency-outage';

const aws = (name: string, httpStatusCode?: number) =>
  new S3ServiceException({ name, $fault: 'server', $metadata: { httpStatusCode } });
const network = (code: string) => Object.assign(new Error(`socket ${code}`), { code, $metadata: { attempts: 3 } });

describe('isDependencyOutage', () => {
  it.each([
    ['a 500', aws('InternalError', 500)],
    ['a 503 SlowDown', aws('SlowDown', 503)],
    ['DynamoDB throttling (a 400)', aws('ProvisionedThroughputExceededException', 400)],
    ['a 429', aws('TooManyRequestsException', 429)],
    ['a missing bucket (an operator fixes it)', aws('NoSuchBucket', 404)],
    ['denied access', aws('AccessDenied', 403)],
    ['a refused connection', network('ECONNREFUSED')],
    ['a reset connection', network('ECONNRESET')],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('is true for %s', (_what, error) => {
    expect(isDependencyOutage(error)).toBe(true);
  });

  it.each([
    ['a 400 about the request', aws('InvalidArgument', 400)],
    ['a missing key (the record\'s own object)', aws('NoSuchKey', 404)],
    ['an unsatisfiable range', aws('InvalidRange', 416)],
    ['a 413', aws('EntityTooLarge', 413)],
    ['a programming error', new TypeError('Invalid character in header content')],
    ['a non-error', 'boom'],
  ])('is false for %s', (_what, error) => {
    expect(isDependencyOutage(error)).toBe(false);
  });
});

describe('callDependency', () => {
  it('returns the result of a call that succeeds', async () => {
    await expect(callDependency('op', async () => 42)).resolves.toBe(42);
  });

  it('turns an outage into a KinesisRetriableException naming the operation', async () => {
    const error = await callDependency('S3 PutObject', () => Promise.reject(aws('InternalError', 500))).catch((e) => e);
    expect(error).toBeInstanceOf(KinesisRetriableException);
    expect((error as Error).message).toMatch(/^S3 PutObject failed \(dependency outage\): InternalError/);
  });

  it.each([
    ['NoSuchKey', aws('NoSuchKey', 404)],
    ['a failed precondition', aws('PreconditionFailed', 412)],
    ['a range past the end', aws('InvalidRange', 416)],
  ])('fails the record at once (poison, dead-lettered with the reason) on %s: no retry changes it', async (_what, original) => {
    const error = await callDependency('S3 GetObject', () => Promise.reject(original)).catch((e) => e);
    expect(error).toBeInstanceOf(KinesisPoisonRecordException);
    expect((error as Error).message).toMatch(/^S3 GetObject failed, and no retry will change it: /);
    expect((error as Error).cause).toBe(original);
  });

  it('rethrows any other error unchanged', async () => {
    const original = aws('InvalidArgument', 400);
    await expect(callDependency('op', () => Promise.reject(original))).rejects.toBe(original);
  });
});
