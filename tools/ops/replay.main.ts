// `npm run replay -- --from <ISO time> | --trim-horizon [--local]`: the workers read again
// what the stream still holds from that point on (after a bug fix, say). Safe while workers
// run: it goes through the leases (see requestReplay in libs/kinesis).
import { parseArgs } from 'node:util';
import { createDynamoDbDocumentClient } from '@lib/aws';
import { LeaseManager, requestReplay, type ReplayFrom } from '@lib/kinesis';
import { opsConfig } from './ops-environment';

const USAGE = 'usage: npm run replay -- (--from <ISO-8601 time> | --trim-horizon) [--local]';

function replayFrom(values: { from?: string; 'trim-horizon'?: boolean }): ReplayFrom {
  if (values['trim-horizon'] && values.from === undefined) return { trimHorizon: true };
  if (values.from !== undefined && !values['trim-horizon']) {
    const timestamp = new Date(values.from);
    if (Number.isNaN(timestamp.getTime())) throw new Error(`--from: not a date: ${values.from}`);
    if (timestamp.getTime() > Date.now()) throw new Error(`--from: ${timestamp.toISOString()} is in the future`);
    return { timestamp };
  }
  throw new Error(USAGE);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, 'trim-horizon': { type: 'boolean' }, local: { type: 'boolean', default: false } },
  });
  const from = replayFrom(values);
  const config = opsConfig(values.local ?? false);
  const dynamodb = createDynamoDbDocumentClient(config.aws);
  try {
    const manager = new LeaseManager({
      dynamodb,
      tableName: config.leaseTable,
      streamName: config.streamName,
      workerId: 'replay-command',
      leaseDurationMs: 1, // never takes a lease
    });
    const summary = await requestReplay(manager, from);
    console.log(`replay of stream ${config.streamName} on ${config.target} from ${summary.checkpoint}`);
    console.log(`  shards reset now (no worker held them): ${summary.applied.join(', ') || 'none'}`);
    console.log(`  shards whose workers reset them after their in-flight records: ${summary.requested.join(', ') || 'none'}`);
    if (summary.applied.length + summary.requested.length === 0) {
      console.log('  no leases yet: a worker that starts reads from the trim horizon anyway');
    }
  } finally {
    dynamodb.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
