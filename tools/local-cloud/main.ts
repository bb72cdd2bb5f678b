// `npm run local-cloud [-- --reset | --reset-only] [--profile loopback|aws] [--seed <n>]`: starts
// the local AWS stand-ins (behind the AWS profile's proxies with `--profile aws`), seeds them,
// prints a summary and runs until SIGINT/SIGTERM.
import { exitWithParent } from '../dev/exit-with-parent';
import { LocalCloudConfigError } from './local-cloud-config.error';
import { resetLocalCloud, startLocalCloud, type LocalCloud } from './local-cloud';
import { parseLocalCloudArgs } from './local-cloud.args';
import { formatLocalCloudSummary, LOCAL_CLOUD_READY_LINE } from './local-cloud.summary';

async function main(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseLocalCloudArgs>;
  try {
    parsed = parseLocalCloudArgs(args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (parsed.resetOnly) {
    console.log(`Wiped ${await resetLocalCloud()}`);
    return 0;
  }
  const cloud = await startLocalCloud({
    reset: parsed.reset,
    profile: parsed.profile,
    seed: parsed.seed,
    log: (line) => console.log(line),
  });
  for (const line of formatLocalCloudSummary(cloud.outputs)) console.log(line);
  console.log(`Data in ${cloud.dir} (npm run local-cloud:reset wipes it). Ctrl-C stops.`);
  console.log(LOCAL_CLOUD_READY_LINE);
  return runUntilStopped(cloud);
}

function runUntilStopped(cloud: LocalCloud): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (reason: string, code: number) => {
      if (stopping) return;
      stopping = true;
      console.log(`Stopping the local cloud (${reason})`);
      cloud.stop().then(
        () => resolve(code),
        (error: Error) => {
          console.error(`Could not stop cleanly: ${error.message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT', 0));
    process.on('SIGTERM', () => stop('SIGTERM', 0));
    exitWithParent(() => stop('npm start went away', 0));
    void cloud.failure.then((error) => {
      console.error(error.message);
      stop('a stand-in failed', 1);
    });
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error instanceof LocalCloudConfigError ? error.message : (error.stack ?? String(error)));
    process.exit(1);
  },
);
