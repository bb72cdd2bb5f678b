// `npm run login`: Cognito tokens through the authorization-code flow with PKCE, stored in a
// user-only file and refreshed when expired. See LOGIN_USAGE (or `npm run login -- --help`).
import { browserAuthorize } from './browser';
import { loginWithCodeFlow } from './code-flow';
import { hostedLoginDriver } from './hosted-login.driver';
import { decodeJwtClaims } from './jwt-claims';
import { LOGIN_USAGE, resolveLoginConfig, type LoginConfig } from './login.config';
import { LoginError } from './login.error';
import { logout } from './logout';
import { TokenStore, type StoredTokens } from './token-store';
import { obtainTokens, type TokenSource } from './token-session';

// Everything but a requested token goes to stderr, so `$(npm run -s login -- --print access)` is only the token.
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${LOGIN_USAGE}\n`);
    return 0;
  }
  let config: LoginConfig | undefined;
  try {
    config = resolveLoginConfig(argv);
    if (config.logout) {
      const outcome = await logout(new TokenStore(config.tokensFile), config.userPoolsApi);
      log(outcome === 'revoked' ? `Logged out: the refresh token is revoked and ${config.tokensFile} is deleted` : `Not logged in (no tokens in ${config.tokensFile})`);
      return 0;
    }
    const { authServer, clientId, callbackPort, scopes } = config;
    const authorize = config.credentials
      ? hostedLoginDriver(config.credentials)
      : browserAuthorize(config.openBrowser, log);
    const { tokens, source } = await obtainTokens({
      store: new TokenStore(config.tokensFile),
      authServer,
      clientId,
      force: config.force,
      login: () => loginWithCodeFlow({ authServer, clientId, callbackPort, scopes, authorize }),
    });
    log(summary(tokens, source, config.tokensFile));
    if (config.print) process.stdout.write(`${config.print === 'access' ? tokens.accessToken : tokens.idToken}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof LoginError)) throw error;
    log(`Login failed: ${error.message}`);
    if (config && /redirect_uri/.test(error.message)) {
      log(`The app client ${config.clientId} must list http://localhost:${config.callbackPort}/callback among its callback URLs.`);
    }
    return 1;
  }
}

/** One line, no token: who, how the tokens were obtained, until when, and where they are. */
function summary(tokens: StoredTokens, source: TokenSource, file: string): string {
  const claims = decodeJwtClaims(tokens.idToken);
  const who = claims['cognito:username'] ?? claims.email ?? claims.sub ?? 'unknown user';
  const how = { stored: 'stored tokens still valid', refreshed: 'refreshed with the refresh token', login: 'new login' }[source];
  return (
    `Logged in as ${who} at ${tokens.authServer} (client ${tokens.clientId}): ${how}; ` +
    `access token valid until ${tokens.expiresAt}; tokens in ${file} (mode 0600)`
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`Login failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  },
);
