import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { localCloudDir } from '../local-cloud/local-cloud.options';
import { outputsPath, readOutputs, type LocalCloudOutputs } from '../local-cloud/local-cloud.outputs';
import type { LoginCredentials } from './hosted-login.driver';
import { LoginError } from './login.error';

/** The default loopback port: not 3000, which belongs to the api and its page. */
export const DEFAULT_CALLBACK_PORT = 8976;
export const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/** Everything one `npm run login` run needs, from its arguments and environment. */
export interface LoginConfig {
  target: 'cognito' | 'local';
  authServer: string;
  clientId: string;
  callbackPort: number;
  scopes: string[];
  tokensFile: string;
  /** Set: drive the hosted login form instead of a browser (local cloud only). */
  credentials?: LoginCredentials;
  print?: 'access' | 'id';
  force: boolean;
  /** Revoke the stored refresh token at Cognito and delete the stored tokens, instead of logging in. */
  logout: boolean;
  /**
   * Cognito's user pools API (where tokens are revoked); undefined: the tokens' issuer's
   * origin, which it is on AWS. The local cloud's tokens name AWS's issuer, so it sets its own.
   */
  userPoolsApi?: string;
  openBrowser: boolean;
}

export const LOGIN_USAGE = `Usage: npm run login -- [options]

Gets Cognito tokens with the authorization-code flow + PKCE, stores them (mode 0600) and
refreshes them when expired. Real Cognito when COGNITO_DOMAIN is set, else the local cloud.

  --print access|id        print only that token on stdout (for $(npm run -s login -- --print access))
  --force                  log in again even if stored tokens are usable
  --logout                 revoke the stored refresh token at Cognito (and the tokens issued
                           from it) and delete the stored tokens
  --username U --password P  (local cloud) post the hosted login form instead of using a browser
  --demo                   (local cloud) same, as the seeded demo user
  --no-open                only print the login URL, do not open a browser

Environment: COGNITO_DOMAIN, COGNITO_CLIENT_ID, LOGIN_CALLBACK_PORT (default ${DEFAULT_CALLBACK_PORT}),
LOGIN_SCOPES (default "${DEFAULT_SCOPES.join(' ')}"), LOGIN_TOKENS_FILE, LOGIN_USERNAME/LOGIN_PASSWORD, LOCAL_CLOUD_DIR.`;

/** Parses the command line and environment; throws a {@link LoginError} naming what is wrong. */
export function resolveLoginConfig(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  loadOutputs: (dir: string) => LocalCloudOutputs | undefined = readOutputs,
): LoginConfig {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new LoginError(`${(error as Error).message}\n\n${LOGIN_USAGE}`);
  }
  if (values.print !== undefined && values.print !== 'access' && values.print !== 'id') {
    throw new LoginError(`--print takes "access" or "id", not "${values.print}"`);
  }
  const common = {
    callbackPort: callbackPort(env.LOGIN_CALLBACK_PORT),
    scopes: (env.LOGIN_SCOPES?.trim() || DEFAULT_SCOPES.join(' ')).split(/[\s,]+/),
    print: values.print as LoginConfig['print'],
    force: values.force ?? false,
    logout: values.logout ?? false,
    openBrowser: !(values['no-open'] ?? false),
  };
  const username = values.username ?? env.LOGIN_USERNAME;
  const password = values.password ?? env.LOGIN_PASSWORD;
  if ((username === undefined) !== (password === undefined)) throw new LoginError('Give both a username and a password, or neither');

  const domain = env.COGNITO_DOMAIN?.trim();
  if (domain) {
    if (!/^https:\/\/[^/]+$/.test(domain.replace(/\/+$/, ''))) {
      throw new LoginError(`COGNITO_DOMAIN is "${domain}": expected https://<prefix>.auth.<region>.amazoncognito.com (or your custom domain)`);
    }
    if (!env.COGNITO_CLIENT_ID) throw new LoginError('COGNITO_DOMAIN is set but COGNITO_CLIENT_ID is not: name the app client to log in with');
    if (username !== undefined || values.demo) {
      throw new LoginError('--username/--password/--demo work against the local cloud only; use the browser for Cognito');
    }
    const configHome = env.XDG_CONFIG_HOME || join(homedir(), '.config');
    return {
      ...common,
      target: 'cognito',
      authServer: domain.replace(/\/+$/, ''),
      clientId: env.COGNITO_CLIENT_ID,
      tokensFile: env.LOGIN_TOKENS_FILE || join(configHome, 'nest-kinesis-uploads', 'tokens.json'),
    };
  }

  const dir = localCloudDir(undefined, env);
  const outputs = loadOutputs(dir);
  if (!outputs) {
    throw new LoginError(
      `No local cloud in ${dir} (${outputsPath(dir)} is missing): start it with npm start or npm run local-cloud, ` +
        'or set COGNITO_DOMAIN and COGNITO_CLIENT_ID for a real Cognito',
    );
  }
  return {
    ...common,
    target: 'local',
    authServer: outputs.endpoints.cognito.replace(/\/+$/, ''),
    userPoolsApi: outputs.endpoints.cognito,
    clientId: env.COGNITO_CLIENT_ID || outputs.clientId,
    tokensFile: env.LOGIN_TOKENS_FILE || join(dir, 'login-tokens.json'),
    credentials: values.demo ? outputs.demoUser : username !== undefined ? { username, password: password! } : undefined,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      print: { type: 'string' },
      force: { type: 'boolean' },
      logout: { type: 'boolean' },
      username: { type: 'string' },
      password: { type: 'string' },
      demo: { type: 'boolean' },
      'no-open': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function callbackPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_CALLBACK_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LoginError(`LOGIN_CALLBACK_PORT is "${value}": expected a port number (1-65535) registered as http://localhost:<port>/callback`);
  }
  return port;
}
