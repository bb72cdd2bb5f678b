import { EnvironmentValidationError, validateEnvironment } from '@lib/config';
import { workerEnvironmentSchema } from './worker-environment.schema';
import { resolveWorkerId } from './worker-id';

const validate = validateEnvironment(workerEnvironmentSchema);

describe('workerEnvironmentSchema', () => {
  it('fills in the documented defaults', () => {
    expect(validate({})).toEqual({
      AWS_REGION: 'us-east-1',
      KINESIS_STREAM_NAME: 'file-events',
      S3_BUCKET: 'file-store',
      UPLOADS_TABLE: 'file-uploads',
      LEASE_TABLE: 'file-worker-leases',
      WORKER_HEALTH_PORT: 3001,
      HOST: '0.0.0.0',
      KINESIS_IDLE_TIME_MS: 200,
      KINESIS_MAX_RECORDS: 1000,
      KINESIS_MAX_ATTEMPTS: 3,
      KINESIS_MAX_CONCURRENCY: 'auto',
      KINESIS_CHECKPOINT_INTERVAL_MS: 1000,
      KINESIS_UNKNOWN_PATTERN: 'dead-letter',
      LEASE_DURATION_MS: 10000,
    });
  });

  it('reads strings as the types the app needs, and keeps only its own variables', () => {
    const env = validate({
      WORKER_HEALTH_PORT: '0',
      KINESIS_MAX_ATTEMPTS: '5',
      WORKER_ID: 'worker-a',
      AWS_ENDPOINT_URL_S3: 'http://localhost:4568',
      PATH: '/usr/bin',
    });
    expect(env).toMatchObject({ WORKER_HEALTH_PORT: 0, KINESIS_MAX_ATTEMPTS: 5, WORKER_ID: 'worker-a' });
    expect(env.AWS_ENDPOINT_URL_S3).toBe('http://localhost:4568');
    expect(env).not.toHaveProperty('PATH');
  });

  it('takes the concurrency as `auto` or a number of records per shard', () => {
    expect(validate({ KINESIS_MAX_CONCURRENCY: 'auto' }).KINESIS_MAX_CONCURRENCY).toBe('auto');
    expect(validate({ KINESIS_MAX_CONCURRENCY: '8' }).KINESIS_MAX_CONCURRENCY).toBe(8);
    expect(() => validate({ KINESIS_MAX_CONCURRENCY: '0' })).toThrow(/KINESIS_MAX_CONCURRENCY/);
    expect(() => validate({ KINESIS_MAX_CONCURRENCY: 'lots' })).toThrow(/KINESIS_MAX_CONCURRENCY/);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      validate({ WORKER_HEALTH_PORT: 'http', KINESIS_MAX_RECORDS: '20000', S3_BUCKET: 'ab', AWS_ENDPOINT_URL_KINESIS: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentValidationError);
    const problems = (error as EnvironmentValidationError).problems.join('\n');
    for (const name of ['WORKER_HEALTH_PORT', 'KINESIS_MAX_RECORDS', 'S3_BUCKET', 'AWS_ENDPOINT_URL_KINESIS']) {
      expect(problems).toContain(name);
    }
  });
});

describe('resolveWorkerId', () => {
  it('keeps a configured id', () => {
    expect(resolveWorkerId('worker-a')).toBe('worker-a');
  });

  it('makes a different id for each worker when none is configured', () => {
    const a = resolveWorkerId(undefined);
    expect(a).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{6}$`));
    expect(resolveWorkerId(undefined)).not.toBe(a);
  });
});
