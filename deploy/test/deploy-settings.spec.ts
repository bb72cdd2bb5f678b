import { App } from 'aws-cdk-lib';
import { readDeploySettings } from '../lib/deploy-settings';

const settingsWith = (context: Record<string, unknown>) => readDeploySettings(new App({ context }).node);

describe('readDeploySettings', () => {
  it('has safe defaults', () => {
    expect(settingsWith({})).toEqual({
      streamMode: 'on-demand',
      streamShardCount: 2,
      streamRetentionHours: 24,
      deadLetterRetentionDays: 90,
      callbackUrls: [],
      cognitoDomainPrefix: undefined,
      certificateArn: undefined,
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
    expect(() => settingsWith({ cognitoDomainPrefix: 'My_Prefix' })).toThrow('cognitoDomainPrefix');
    expect(() => settingsWith({ workerMaxTasks: '0' })).toThrow('context workerMaxTasks must be an integer from 1 to 100');
    expect(() => settingsWith({ lambdaRuntimeVersionArn: 'nodejs24.x' })).toThrow('context lambdaRuntimeVersionArn must be a runtime version ARN');
    expect(() => settingsWith({ lambdaArchitecture: 'arm' })).toThrow('context lambdaArchitecture must be "x86_64" or "arm64"');
  });
});
