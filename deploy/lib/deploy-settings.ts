import type { Node } from 'constructs';

/** How the stream is billed: on demand (scales itself) or a fixed number of shards. */
export type StreamMode = 'on-demand' | 'provisioned';

/**
 * Everything a user may choose at deploy time, read once from CDK context
 * (`cdk.json`, or `-c key=value` on the command line) and validated here, so a typo fails
 * the synth with the key's name instead of producing a surprising stack.
 */
export interface DeploySettings {
  readonly streamMode: StreamMode;
  /** Shards of a provisioned stream (ignored on demand). */
  readonly streamShardCount: number;
  /** How long Kinesis keeps records (24–8760 h); `incoming/` outlives it (see SharedStack). */
  readonly streamRetentionHours: number;
  /** How long `dead-letter/` objects are kept for inspection and redrive. */
  readonly deadLetterRetentionDays: number;
  /** OAuth callback URLs of the app client (the deployed page's URL, a front end's). */
  readonly callbackUrls: readonly string[];
  /**
   * Also register the local callbacks ({@link LOCAL_CALLBACK_URLS}: `npm run login`'s loopback
   * and a local api's page) on the app client, for a development pool. Off by default: on a
   * production client they let any program on a user's machine receive codes.
   */
  readonly localCallbacks: boolean;
  /** Lifetime of access and ID tokens, in minutes (Cognito allows 5–1440); default 15. */
  readonly accessTokenMinutes: number;
  /** Hosted-UI domain prefix (globally unique per region); empty: `uploads-<account id>`. */
  readonly cognitoDomainPrefix?: string;
  /** ACM certificate for the ALB's HTTPS listener (ECS); without it the ECS stack does not synthesize unless `allowHttp`. */
  readonly certificateArn?: string;
  /** Accept an ECS load balancer on plain HTTP (bearer tokens in clear text): a test stack only. */
  readonly allowHttp: boolean;
  /** Upper bound of the ECS worker service's autoscaling. */
  readonly workerMaxTasks: number;
  /**
   * A Lambda runtime version ARN (`arn:aws:lambda:<region>::runtime:<sha256>`, from a
   * function's INIT_START log line) to pin both functions to (runtime management "Manual"):
   * the Node build the bundles' code cache was recorded with. Empty: "Auto" — Lambda updates
   * Node by itself and, from then on, the bundles ignore their cache (logged once per cold start).
   */
  readonly lambdaRuntimeVersionArn?: string;
  /**
   * The Lambda functions' CPU architecture. Default `x86_64`: the bundles' code cache is only
   * used by the architecture that recorded it (`npm run bundle:lambda`, on x64 here and in CI),
   * and it cuts the api's cold start to about a third. `arm64` costs about 20 % less per
   * GB-second; choose it when the bundles are built on an arm64 machine (or accept cold
   * starts without the cache: the synth warns).
   */
  readonly lambdaArchitecture: LambdaArchitecture;
}

export type LambdaArchitecture = 'x86_64' | 'arm64';

export class DeploySettingsError extends Error {
  override readonly name = 'DeploySettingsError';
}

/** The local callbacks (`-c localCallbacks=true`): a local api's page and `npm run login`'s loopback. */
export const LOCAL_CALLBACK_URLS = ['http://localhost:3000/', 'http://localhost:8976/callback'] as const;

export function readDeploySettings(node: Node): DeploySettings {
  const text = (key: string): string => {
    const value: unknown = node.tryGetContext(key);
    return value === undefined || value === null ? '' : String(value).trim();
  };
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const raw = text(key);
    const value = raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new DeploySettingsError(`context ${key} must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };
  const flag = (key: string): boolean => {
    const raw = text(key).toLowerCase();
    if (raw !== '' && raw !== 'true' && raw !== 'false') throw new DeploySettingsError(`context ${key} must be "true" or "false", got "${raw}"`);
    return raw === 'true';
  };
  const streamMode = text('streamMode') || 'on-demand';
  if (streamMode !== 'on-demand' && streamMode !== 'provisioned') {
    throw new DeploySettingsError(`context streamMode must be "on-demand" or "provisioned", got "${streamMode}"`);
  }
  const callbackUrls = text('callbackUrls')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  for (const url of callbackUrls) {
    if (!/^https:\/\/|^http:\/\/localhost[:/]/.test(url)) {
      throw new DeploySettingsError(`context callbackUrls: "${url}" must be https (or http://localhost)`);
    }
  }
  if (callbackUrls.length === 0 && !flag('localCallbacks')) {
    throw new DeploySettingsError(
      'context callbackUrls is empty: set -c callbackUrls=https://<your page>/ (where the hosted UI may send users back), ' +
        'or -c localCallbacks=true for a development pool (npm run login and a local api)',
    );
  }
  const domainPrefix = text('cognitoDomainPrefix');
  if (domainPrefix !== '' && !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(domainPrefix)) {
    throw new DeploySettingsError('context cognitoDomainPrefix: lowercase letters, digits and hyphens only');
  }
  const runtimeVersionArn = text('lambdaRuntimeVersionArn');
  if (runtimeVersionArn !== '' && !/^arn:aws[a-z-]*:lambda:[a-z0-9-]+::runtime:[0-9a-f]{64}$/.test(runtimeVersionArn)) {
    throw new DeploySettingsError(`context lambdaRuntimeVersionArn must be a runtime version ARN (arn:aws:lambda:<region>::runtime:<64 hex digits>), got "${runtimeVersionArn}"`);
  }
  const lambdaArchitecture = text('lambdaArchitecture') || 'x86_64';
  if (lambdaArchitecture !== 'x86_64' && lambdaArchitecture !== 'arm64') {
    throw new DeploySettingsError(`context lambdaArchitecture must be "x86_64" or "arm64", got "${lambdaArchitecture}"`);
  }
  return {
    streamMode,
    streamShardCount: integer('streamShardCount', 2, 1, 500),
    streamRetentionHours: integer('streamRetentionHours', 24, 24, 8760),
    deadLetterRetentionDays: integer('deadLetterRetentionDays', 90, 1, 3650),
    callbackUrls,
    localCallbacks: flag('localCallbacks'),
    accessTokenMinutes: integer('accessTokenMinutes', 15, 5, 1440),
    cognitoDomainPrefix: domainPrefix || undefined,
    certificateArn: text('certificateArn') || undefined,
    allowHttp: flag('allowHttp'),
    workerMaxTasks: integer('workerMaxTasks', 4, 1, 100),
    lambdaRuntimeVersionArn: runtimeVersionArn || undefined,
    lambdaArchitecture,
  };
}
