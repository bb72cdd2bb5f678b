import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';

/** The port ElastiCache Serverless listens on for reads and writes. */
export const CACHE_PORT = 6379;

/** A mode's network: two zones, private subnets with one NAT gateway (the AWS APIs are on the internet). */
export function createAppVpc(scope: Construct): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    flowLogs: { rejected: { trafficType: ec2.FlowLogTrafficType.REJECT } },
  });
}

/**
 * The api's shared rate-limit buckets: ElastiCache Serverless for Valkey in the mode's private
 * subnets (always TLS, cluster protocol, scales itself; it bills per GB stored and per ECPU,
 * and a bucket is a small hash that expires within seconds). Only what {@link allowFrom}
 * names may connect. The api reads its address from RATE_LIMIT_REDIS_URL ({@link environment}).
 */
export class RateLimitCache extends Construct {
  private readonly securityGroup: ec2.SecurityGroup;
  readonly cache: elasticache.CfnServerlessCache;

  constructor(scope: Construct, id: string, vpc: ec2.IVpc) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'The rate-limit cache: Valkey from the api only',
      allowAllOutbound: false,
    });
    this.cache = new elasticache.CfnServerlessCache(this, 'Cache', {
      engine: 'valkey',
      majorEngineVersion: '8',
      serverlessCacheName: `${Stack.of(this).stackName.toLowerCase()}-rate-limits`.slice(0, 40),
      description: 'Per-user and per-address token buckets of the uploads api',
      subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      // Buckets are tiny and short-lived: a ceiling against a key explosion, far above need.
      cacheUsageLimits: { dataStorage: { maximum: 1, unit: 'GB' } },
    });
  }

  /** Lets `client` (the api's tasks or function) connect. */
  allowFrom(client: ec2.IConnectable): void {
    this.securityGroup.connections.allowFrom(client, ec2.Port.tcp(CACHE_PORT), 'the api takes rate-limit tokens');
  }

  /** The api's variables for this cache (apps/api/src/rate-limit). */
  get environment(): Record<string, string> {
    return {
      RATE_LIMIT_REDIS_URL: `rediss://${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`,
      RATE_LIMIT_REDIS_CLUSTER: 'true',
    };
  }
}
