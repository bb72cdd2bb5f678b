export { startAwsProfile, type AwsProfile, type AwsProfileOptions, type AwsProfileStats, type ShapedService } from './aws-profile';
export { AWS_PROFILE_DEFAULTS, resolveAwsProfileSettings, type AwsProfileOverrides, type AwsProfileSettings } from './aws-profile.settings';
export { LatencyDistribution } from './latency-distribution';
