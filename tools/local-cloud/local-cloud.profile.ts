import { startAwsProfile, type AwsProfile } from './aws-profile/aws-profile';
import type { ResolvedLocalCloudOptions } from './local-cloud.options';
import { LOCAL_CREDENTIALS, LOCAL_NAMES, type LocalCloudOutputs } from './local-cloud.outputs';

type Endpoints = LocalCloudOutputs['endpoints'];

/** The endpoints the apps get under a profile, and what stops it. */
export interface ProfiledEndpoints {
  endpoints: Endpoints;
  profile: LocalCloudOutputs['profile'];
  awsProfile: AwsProfile | undefined;
  stop(): Promise<void>;
}

/**
 * Puts the chosen profile in front of the running stand-ins: nothing for `loopback`; for
 * `aws`, the shaping proxies, whose endpoints replace the stand-ins' in the outputs (Cognito
 * stays direct). Seeding has already talked to the stand-ins directly.
 */
export async function applyProfile(
  options: Pick<ResolvedLocalCloudOptions, 'profile' | 'seed' | 'awsProfile' | 'log'>,
  standIns: Endpoints,
): Promise<ProfiledEndpoints> {
  if (options.profile === 'loopback') {
    return { endpoints: standIns, profile: undefined, awsProfile: undefined, stop: async () => undefined };
  }
  const awsProfile = await startAwsProfile({
    targets: { kinesis: standIns.kinesis, s3: standIns.s3, dynamodb: standIns.dynamodb },
    seed: options.seed,
    settings: options.awsProfile,
    credentials: { ...LOCAL_CREDENTIALS },
    region: LOCAL_NAMES.region,
  });
  options.log(`AWS profile (seed ${awsProfile.seed}): AWS-like latency and Kinesis shard limits in front of the stand-ins (docs/aws-profile.md)`);
  return {
    endpoints: { ...standIns, ...awsProfile.endpoints },
    profile: {
      name: 'aws',
      seed: awsProfile.seed,
      standIns: { kinesis: standIns.kinesis, s3: standIns.s3, dynamodb: standIns.dynamodb },
    },
    awsProfile,
    stop: () => awsProfile.close(),
  };
}
