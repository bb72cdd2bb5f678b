import { z } from 'zod';

/**
 * Where the AWS clients connect. On real AWS only `region` is set and credentials come from
 * the default provider chain (task role, Lambda role, profile). Locally each service gets
 * an endpoint override: this is the one place that knows about local stand-ins.
 */
export interface AwsClientsOptions {
  region: string;
  endpoints: {
    kinesis?: string;
    s3?: string;
    dynamodb?: string;
  };
  /**
   * Attempts the Kinesis client makes per call, its first try included (the SDK's own
   * retries; default 3). An app whose publisher retries by itself (batching, with backoff and
   * a deadline) sets 1: with both, one upload could cost the SDK's attempts times the
   * publisher's.
   */
  kinesisMaxAttempts?: number;
}

/** The environment variables behind {@link AwsClientsOptions} (the SDK's own names). */
export const awsEnvironmentSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL_KINESIS: z.url().optional(),
  AWS_ENDPOINT_URL_S3: z.url().optional(),
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
});

export type AwsEnvironment = z.infer<typeof awsEnvironmentSchema>;

export function awsClientsOptionsFrom(env: AwsEnvironment): AwsClientsOptions {
  return {
    region: env.AWS_REGION,
    endpoints: {
      kinesis: env.AWS_ENDPOINT_URL_KINESIS,
      s3: env.AWS_ENDPOINT_URL_S3,
      dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB,
    },
  };
}
