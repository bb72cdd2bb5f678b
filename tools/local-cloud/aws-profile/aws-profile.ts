import { KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { resolveAwsProfileSettings, type AwsProfileOverrides, type AwsProfileSettings } from './aws-profile.settings';
import { KinesisLimitsHandler, type KinesisLimitStats } from './kinesis-limits.handler';
import { KinesisShardThroughput } from './kinesis-shard-throughput';
import { LatencyShaper } from './latency-shaper';
import { RpcShapingProxy } from './rpc-shaping.proxy';
import { S3ShapingProxy } from './s3-shaping.proxy';
import type { ShapingStats } from './shaping.proxy';
import { deriveSeed, freshSeed } from './seeded-random';
import { ShardDirectory, type ListShards } from './shard-map';
import { ShardIterators } from './shard-iterators';

/** The stand-ins the profile shapes (Cognito is not shaped). */
export type ShapedService = 'kinesis' | 's3' | 'dynamodb';

export interface AwsProfileOptions {
  /** The stand-ins' base URLs. */
  targets: Record<ShapedService, string>;
  /** Seed of every delay; the same seed and the same order of calls (per service) give the same delays. Default: a fresh one (reported). */
  seed?: number;
  /** Numbers other than docs/aws-profile.md's, service by service. */
  settings?: AwsProfileOverrides;
  /** Where the proxies listen; default 127.0.0.1, free ports. */
  host?: string;
  /** AWS credentials for the stand-in (ListShards for the shard maps). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
}

export interface AwsProfileStats {
  seed: number;
  s3: ShapingStats;
  dynamodb: ShapingStats;
  kinesis: ShapingStats & KinesisLimitStats;
}

/** The running proxies of the AWS profile. */
export interface AwsProfile {
  readonly seed: number;
  readonly settings: AwsProfileSettings;
  /** What to give SDK clients (and the apps) instead of the stand-ins' URLs. */
  readonly endpoints: Record<ShapedService, string>;
  stats(): AwsProfileStats;
  close(): Promise<void>;
}

/**
 * Starts the AWS profile: one HTTP proxy per stand-in on 127.0.0.1 that gives every call a
 * latency drawn for its operation plus a bandwidth term (S3, DynamoDB, Kinesis) and enforces
 * Kinesis' per-shard limits the way Kinesis does. Point the SDK clients at `endpoints`; the
 * apps need no change.
 */
export async function startAwsProfile(options: AwsProfileOptions): Promise<AwsProfile> {
  const seed = options.seed ?? freshSeed();
  const settings = resolveAwsProfileSettings(options.settings);
  const shaper = (service: ShapedService) => new LatencyShaper(settings[service], deriveSeed(seed, service));
  const admin = new KinesisClient({
    region: options.region,
    credentials: { ...options.credentials },
    endpoint: options.targets.kinesis,
    // kinesalite speaks HTTP/1.1 only.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
    maxAttempts: 2,
  });
  const limits = new KinesisLimitsHandler(
    new KinesisShardThroughput(settings.kinesis.shardLimits),
    new ShardDirectory(listAllShards(admin)),
    new ShardIterators(),
  );
  const started: { close(): Promise<void> }[] = [];
  try {
    const kinesis = await RpcShapingProxy.start({ target: options.targets.kinesis, shaper: shaper('kinesis'), handler: limits.handle, host: options.host });
    started.push(kinesis);
    const dynamodb = await RpcShapingProxy.start({ target: options.targets.dynamodb, shaper: shaper('dynamodb'), host: options.host });
    started.push(dynamodb);
    const s3 = await S3ShapingProxy.start({ target: options.targets.s3, shaper: shaper('s3'), host: options.host });
    started.push(s3);
    return {
      seed,
      settings,
      endpoints: { kinesis: kinesis.endpoint, s3: s3.endpoint, dynamodb: dynamodb.endpoint },
      stats: () => ({ seed, s3: s3.stats, dynamodb: dynamodb.stats, kinesis: { ...kinesis.stats, ...limits.stats } }),
      async close() {
        await Promise.all(started.map((proxy) => proxy.close()));
        admin.destroy();
      },
    };
  } catch (error) {
    await Promise.all(started.map((proxy) => proxy.close()));
    admin.destroy();
    throw error;
  }
}

/** ListShards through every page, straight from the stand-in (not through the proxy: not shaped, not counted). */
function listAllShards(kinesis: KinesisClient): ListShards {
  return async (streamName) => {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return shards;
  };
}
