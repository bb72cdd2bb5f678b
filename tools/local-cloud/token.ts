// `npm run -s token`: prints only an access token for the local demo user, for curl:
//   curl -H "Authorization: Bearer $(npm run -s token)" ...
import { passwordLogin } from './cognito-users';
import { createLocalCognitoClient } from './local-aws.clients';
import { localCloudDir } from './local-cloud.options';
import { outputsPath, readOutputs } from './local-cloud.outputs';

const NOT_RUNNING = /ECONNREFUSED|ECONNRESET|socket hang up|EHOSTUNREACH/;

async function main(): Promise<number> {
  const dir = localCloudDir();
  const outputs = readOutputs(dir);
  if (!outputs) {
    console.error(`No local cloud in ${dir} (${outputsPath(dir)} is missing): start it with npm start or npm run local-cloud`);
    return 1;
  }
  const cognito = createLocalCognitoClient(outputs.endpoints.cognito);
  try {
    const { username, password } = outputs.demoUser;
    const tokens = await passwordLogin(cognito, outputs.clientId, username, password);
    process.stdout.write(`${tokens.accessToken}\n`);
    return 0;
  } catch (error) {
    const message = errorText(error);
    console.error(
      NOT_RUNNING.test(message)
        ? `The local cloud is not running (nothing answers at ${outputs.endpoints.cognito}): start it with npm start or npm run local-cloud`
        : `Could not log in the demo user: ${message}`,
    );
    return 1;
  } finally {
    cognito.destroy();
  }
}

function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string; errors?: { code?: string }[] };
  // Connection errors arrive as AggregateError (IPv4 and IPv6 attempts) with an empty message.
  return [e.name, e.code, e.message, ...(e.errors ?? []).map((x) => x.code)].filter(Boolean).join(' ');
}

main().then((code) => process.exit(code));
