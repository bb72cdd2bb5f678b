import { mergeAppEnvironment } from './app-environment';

describe('mergeAppEnvironment', () => {
  const local = { AWS_REGION: 'us-east-1', HOST: '127.0.0.1', S3_BUCKET: 'file-store' };

  it('fills in the local values the user did not set', () => {
    const { env, overridden } = mergeAppEnvironment(local, { PATH: '/bin' });
    expect(env).toEqual({ AWS_REGION: 'us-east-1', HOST: '127.0.0.1', S3_BUCKET: 'file-store', PATH: '/bin' });
    expect(overridden).toEqual([]);
  });

  it('lets the user win and names what the user replaced', () => {
    const { env, overridden } = mergeAppEnvironment(local, { AWS_REGION: 'eu-west-1', HOST: '127.0.0.1' });
    expect(env.AWS_REGION).toBe('eu-west-1');
    expect(overridden).toEqual(['AWS_REGION']);
  });
});
