// The local cloud of `npm run bench:upload`, in a process of its own (forked by
// bench-cloud.process.ts with `-r ../auth/swc-register.js`): kinesalite and dynalite answer
// thousands of calls per second during the run, and in the load generator's process they
// would add their work to every latency it measures. Fresh data in the folder the parent made
// (and removes), free ports, the streams the parent asks for, and a demo-user login; exits when
// the parent goes away. Arguments: `[--profile aws] [--seed N] <stream>[:<shards>]...`; under the AWS profile
// the outputs carry both the proxies (endpoints) and the stand-ins (profile.standIns), so one
// cloud serves servers of both profiles side by side.
import { parseArgs } from 'node:util';
import { ensureUser, generatePassword } from '../../tools/local-cloud/cognito-users';
import { createLocalAwsClients, createLocalCognitoClient } from '../../tools/local-cloud/local-aws.clients';
import { startLocalCloud, type LocalCloud } from '../../tools/local-cloud/local-cloud';
import { FREE_PORTS, parseLocalCloudProfile, parseSeed } from '../../tools/local-cloud/local-cloud.options';
import { ensureStream } from '../../tools/local-cloud/local-cloud.seeder';
import { dataDirFromParent } from '../shared/scratch-dir';
import type { BenchCloudMessage } from './bench-cloud.messages';

const DEFAULT_SHARDS_PER_STREAM = 4;

function send(message: BenchCloudMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { profile: { type: 'string' }, seed: { type: 'string' }, users: { type: 'string', default: '1' } },
    allowPositionals: true,
  });
  const profile = parseLocalCloudProfile(values.profile, '--profile') ?? 'loopback';
  const streams = positionals.map((spec) => {
    const [name, shards] = spec.split(':');
    return { name, shards: shards === undefined ? DEFAULT_SHARDS_PER_STREAM : Number(shards) };
  });
  const dir = dataDirFromParent();
  let cloud: LocalCloud | undefined;
  const stop = async () => {
    await cloud?.stop();
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  cloud = await startLocalCloud({ dir, ports: FREE_PORTS, profile, seed: parseSeed(values.seed, '--seed') });
  const { outputs } = cloud;
  const clients = createLocalAwsClients(outputs.endpoints);
  try {
    for (const { name, shards } of streams) await ensureStream(clients.kinesis, name, shards);
  } finally {
    clients.destroy();
  }
  const tokens = await cloud.login(outputs.demoUser.username, outputs.demoUser.password);
  const accessTokens = [tokens.accessToken, ...(await benchUserTokens(cloud, Number(values.users) - 1))];
  void cloud.failure.then((error) => {
    console.error(error.message);
    process.exit(1);
  });
  send({ type: 'ready', outputs, accessToken: tokens.accessToken, accessTokens });
}

/**
 * Tokens of `count` more users: a real api serves many users, and a per-user cache or limit
 * must be measured across them, not on one token sent over and over. Created one at a time
 * (cognito-local rewrites its whole store on each change).
 */
async function benchUserTokens(cloud: LocalCloud, count: number): Promise<string[]> {
  const cognito = createLocalCognitoClient(cloud.outputs.endpoints.cognito);
  const tokens: string[] = [];
  try {
    for (let i = 1; i <= count; i++) {
      const username = `bench-user-${i}@example.com`;
      const password = generatePassword();
      await ensureUser(cognito, cloud.outputs.userPoolId, username, password);
      tokens.push((await cloud.login(username, password)).accessToken);
    }
  } finally {
    cognito.destroy();
  }
  return tokens;
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
