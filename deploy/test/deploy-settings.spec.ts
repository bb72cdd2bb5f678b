import { App } from 'aws-cdk-lib';
import { readDeploySettings } from '../lib/deploy-settings';

const settingsWith = (context: Record<string, unknown>) => readDeploySettings(new App({ context }).node);

describe('readDeploySettings', () => {
  it('has safe defaults', () => {
    expect(settingsWith({ callbackUrls: 'https://app.example.com/' })).toEqual({
      streamMode: 'on-demand',
      streamShardCount: 2,
      streamRetentionHours: 24,
      deadLetterRetentionDays: 90,
      callbackUrls: ['https://app.example.com/'],
      localCallbacks: false,
      accessTokenMinutes: 15,
      cognitoDomainPrefix: undefined,
      certificateArn: undefined,
      allowHttp: false,
      workerMaxTasks: 4,
      lambdaRuntimeVersionArn: undefined,
      lambdaArchitecture: 'x86_64',
    });
  });

  it('reads values given as strings on the command line (-c key=value)', () => {
    expect(settingsWith({ streamMode: 'provisioned', streamShardCount: '8', callbackUrls: 'https://app.example.com/cb, http://localhost:5173/' })).toMatchObject({
      streamMode: 'provisioned',
      streamShardCount: 8,
      callbackUrls: ['https://app.example.com/cb', 'http://localhost:5173/'],
    });
  });

  it('refuses plain-http callback URLs other than localhost and malformed domain prefixes', () => {
    expect(() => settingsWith({ callbackUrls: 'http://app.example.com/cb' })).toThrow('must be https (or http://localhost)');
    const valid = { callbackUrls: 'https://app.example.com/' };
    expect(() => settingsWith({ ...valid, cognitoDomainPrefix: 'My_Prefix' })).toThrow('cognitoDomainPrefix');
    expect(() => settingsWith({ ...valid, workerMaxTasks: '0' })).toThrow('context workerMaxTasks must be an integer from 1 to 100');
    expect(() => settingsWith({ ...valid, lambdaRuntimeVersionArn: 'nodejs24.x' })).toThrow('context lambdaRuntimeVersionArn must be a runtime version ARN');
    expect(() => settingsWith({ ...valid, lambdaArchitecture: 'arm' })).toThrow('context lambdaArchitecture must be "x86_64" or "arm64"');
    expect(() => settingsWith({ ...valid, accessTokenMinutes: '2' })).toThrow('context accessTokenMinutes must be an integer from 5 to 1440');
    expect(() => settingsWith({ ...valid, allowHttp: 'yes' })).toThrow('context allowHttp must be "true" or "false"');
  });

  it('refuses to build a user pool client no page can sign in through, unless it is a development pool', () => {
    expect(() => settingsWith({})).toThrow('context callbackUrls is empty');
    expect(settingsWith({ localCallbacks: 'true' })).toMatchObject({ callbackUrls: [], localCallbacks: true });
  });
});
