// The local cloud of `npm run bench:upload`, in a process of its own (forked by
// bench-cloud.process.ts with `-r ../auth/swc-register.js`): kinesalite and dynalite answer
// thousands of calls per second during the run, and in the load generator's process they
// would add their work to every latency it measures. Fresh data in the folder the parent made
// (and removes), free ports, the streams the parent asks for, and a demo-user login; exits when
// the parent goes away. Arguments: `[--profile aws] [--seed N] <stream>[:<shards>]...`; under the AWS profile
// the outputs carry both the proxies (endpoints) and the stand-ins (profile.standIns), so one
// cloud serves servers of both profiles side by side.
import { parseArgs } from 'node:util';
import { createLocalAwsClients } from '../../tools/local-cloud/local-aws.clients';
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
  const { values, positionals } = parseArgs({ options: { profile: { type: 'string' }, seed: { type: 'string' } }, allowPositionals: true });
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
  void cloud.failure.then((error) => {
    console.error(error.message);
    process.exit(1);
  });
  send({ type: 'ready', outputs, accessToken: tokens.accessToken });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
