import { join } from 'node:path';
import type { LocalCloudOutputs } from '../local-cloud/local-cloud.outputs';
import { DEFAULT_CALLBACK_PORT, resolveLoginConfig } from './login.config';

const OUTPUTS = {
  clientId: 'local-client',
  endpoints: { cognito: 'http://127.0.0.1:9229', kinesis: '', s3: '', dynamodb: '' },
  demoUser: { username: 'demo@example.com', password: 'Pw-1' },
} as unknown as LocalCloudOutputs;

describe('resolveLoginConfig', () => {
  const local = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    resolveLoginConfig(argv, { LOCAL_CLOUD_DIR: '/tmp/lc', ...env }, () => OUTPUTS);

  it('targets the local cloud by default, on port 8976, with tokens under the local cloud dir', () => {
    expect(local([])).toMatchObject({
      target: 'local',
      authServer: 'http://127.0.0.1:9229',
      clientId: 'local-client',
      callbackPort: DEFAULT_CALLBACK_PORT,
      tokensFile: join('/tmp/lc', 'login-tokens.json'),
      credentials: undefined,
      force: false,
      openBrowser: true,
    });
    expect(DEFAULT_CALLBACK_PORT).not.toBe(3000);
  });

  it('drives the form for --demo or --username/--password', () => {
    expect(local(['--demo']).credentials).toEqual(OUTPUTS.demoUser);
    expect(local(['--username', 'u', '--password', 'p']).credentials).toEqual({ username: 'u', password: 'p' });
    expect(() => local(['--username', 'u'])).toThrow(/both a username and a password/);
  });

  it('targets real Cognito when COGNITO_DOMAIN is set, with tokens under ~/.config', () => {
    const config = resolveLoginConfig(
      ['--print', 'access'],
      { COGNITO_DOMAIN: 'https://x.auth.us-east-1.amazoncognito.com/', COGNITO_CLIENT_ID: 'abc', LOGIN_CALLBACK_PORT: '9000', XDG_CONFIG_HOME: '/home/u/.config' },
      () => undefined,
    );
    expect(config).toMatchObject({
      target: 'cognito',
      authServer: 'https://x.auth.us-east-1.amazoncognito.com',
      clientId: 'abc',
      callbackPort: 9000,
      print: 'access',
      tokensFile: '/home/u/.config/nest-kinesis-uploads/tokens.json',
    });
  });

  it.each([
    [{ COGNITO_DOMAIN: 'https://x.auth.us-east-1.amazoncognito.com' }, [], /COGNITO_CLIENT_ID/],
    [{ COGNITO_DOMAIN: 'http://x.example.com', COGNITO_CLIENT_ID: 'a' }, [], /expected https/],
    [{ LOGIN_CALLBACK_PORT: 'abc' }, [], /LOGIN_CALLBACK_PORT/],
    [{}, ['--print', 'refresh'], /--print takes/],
    [{}, ['--bogus'], /Usage/],
  ] as const)('rejects %j %j', (env, argv, message) => {
    expect(() => local([...argv], { ...env })).toThrow(message);
  });

  it('says how to start the local cloud when there is none', () => {
    expect(() => resolveLoginConfig([], { LOCAL_CLOUD_DIR: '/tmp/none' }, () => undefined)).toThrow(/npm run local-cloud/);
  });
});
