import { resolve } from 'node:path';
import { LocalCloudConfigError } from './local-cloud-config.error';
import { DEFAULT_LOCAL_CLOUD_DIR, localCloudDir, resolveLocalCloudOptions } from './local-cloud.options';

describe('resolveLocalCloudOptions', () => {
  it('defaults to the documented ports and the repo-root data folder', () => {
    const resolved = resolveLocalCloudOptions({}, {});
    expect(resolved.ports).toEqual({ kinesis: 4567, s3: 4568, dynamodb: 4569, cognito: 9229, redis: 4570 });
    expect(resolved.dir).toBe(DEFAULT_LOCAL_CLOUD_DIR);
    expect(DEFAULT_LOCAL_CLOUD_DIR).toBe(resolve(__dirname, '..', '..', '.local-cloud'));
    expect(resolved.reset).toBe(false);
  });

  it('moves each port by its variable, and options win over variables', () => {
    const env = { KINESIS_PORT: '14567', S3_PORT: '14568', DYNAMODB_PORT: '14569', COGNITO_PORT: '19229', REDIS_PORT: '14570' };
    expect(resolveLocalCloudOptions({}, env).ports).toEqual({ kinesis: 14567, s3: 14568, dynamodb: 14569, cognito: 19229, redis: 14570 });
    expect(resolveLocalCloudOptions({ ports: { kinesis: 0, cognito: 0 } }, env).ports).toEqual({
      kinesis: 0,
      s3: 14568,
      dynamodb: 14569,
      cognito: 0,
      redis: 14570,
    });
  });

  it('rejects a variable that is not a port, naming it', () => {
    expect(() => resolveLocalCloudOptions({}, { S3_PORT: 'abc' })).toThrow(LocalCloudConfigError);
    expect(() => resolveLocalCloudOptions({}, { S3_PORT: '70000' })).toThrow('S3_PORT is "70000": expected a port number (0-65535)');
  });

  it('takes the data folder from the option, then LOCAL_CLOUD_DIR (relative to the cwd)', () => {
    expect(localCloudDir('/data/x', { LOCAL_CLOUD_DIR: '/other' })).toBe('/data/x');
    expect(localCloudDir(undefined, { LOCAL_CLOUD_DIR: 'rel/dir' })).toBe(resolve('rel/dir'));
    expect(localCloudDir(undefined, { LOCAL_CLOUD_DIR: '' })).toBe(DEFAULT_LOCAL_CLOUD_DIR);
  });
});
