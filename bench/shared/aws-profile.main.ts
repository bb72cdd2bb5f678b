// The AWS profile's proxies for a benchmark, in a process of their own (forked by
// aws-profile.process.ts): their delays are timers and their copying is CPU, and in the load
// generator's or the stand-ins' process that work would be charged to what is measured.
// Reads the targets and seed from argv (JSON), reports the proxies' endpoints, exits when the
// parent goes away.
import { startAwsProfile } from '../../tools/local-cloud/aws-profile/aws-profile';
import { LOCAL_CREDENTIALS, LOCAL_NAMES } from '../../tools/local-cloud/local-cloud.outputs';
import type { AwsProfileReady } from './aws-profile.process';
import type { StandInMessage } from './stand-in.process';

async function main(): Promise<void> {
  const { targets, seed } = JSON.parse(process.argv[2]) as { targets: AwsProfileReady['endpoints']; seed: number };
  const profile = await startAwsProfile({ targets, seed, credentials: { ...LOCAL_CREDENTIALS }, region: LOCAL_NAMES.region });
  process.on('disconnect', () => void profile.close().finally(() => process.exit(0)));
  const ready: StandInMessage<AwsProfileReady> = { type: 'ready', endpoints: profile.endpoints, seed: profile.seed };
  process.send?.(ready);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
