// The local cloud of `npm run bench:upload`, in a process of its own (forked by
// bench-cloud.process.ts with `-r ../auth/swc-register.js`): kinesalite and dynalite answer
// thousands of calls per second during the run, and in the load generator's process they
// would add their work to every latency it measures. Fresh data in the folder the parent made
// (and removes), free ports, the streams the parent asks for, and a demo-user login; exits when
// the parent goes away.
import { createLocalAwsClients } from '../../tools/local-cloud/local-aws.clients';
import { startLocalCloud, type LocalCloud } from '../../tools/local-cloud/local-cloud';
import { ensureStream } from '../../tools/local-cloud/local-cloud.seeder';
import { dataDirFromParent } from '../shared/scratch-dir';
import type { BenchCloudMessage } from './bench-cloud.messages';

const SHARDS_PER_STREAM = 4;

function send(message: BenchCloudMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const streams = process.argv.slice(2);
  const dir = dataDirFromParent();
  let cloud: LocalCloud | undefined;
  const stop = async () => {
    await cloud?.stop();
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  // BENCH_CLOUD_PROFILE=aws puts the AWS profile's proxies in front (bench:lambda-worker): the
  // outputs then carry both the proxies' endpoints and the stand-ins' own (profile.standIns).
  const profile = process.env.BENCH_CLOUD_PROFILE === 'aws' ? 'aws' : 'loopback';
  const seed = process.env.BENCH_CLOUD_SEED ? Number(process.env.BENCH_CLOUD_SEED) : undefined;
  cloud = await startLocalCloud({ dir, ports: { kinesis: 0, s3: 0, dynamodb: 0, cognito: 0 }, profile, seed });
  const { outputs } = cloud;
  const clients = createLocalAwsClients(outputs.endpoints);
  try {
    for (const stream of streams) await ensureStream(clients.kinesis, stream, SHARDS_PER_STREAM);
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
