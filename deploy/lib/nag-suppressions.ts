import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { SharedStack } from './shared.stack';

/** A suppression: one rule (or one finding of it), on one construct, with the reason a reviewer reads. */
export function acknowledgeRule(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}

/** The action families the bucket's grant methods use (`grantRead`, `grantPut`, `grantDelete`). */
const BUCKET_GRANT_ACTION_WILDCARDS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'];

/**
 * Acknowledges, on one role, the wildcards the bucket grants produce: the object ARNs under
 * each of the role's key prefixes (`<files bucket>/uploads/*`, ...) and the grant's action
 * families. The resource stays the one bucket and named prefixes; only object keys (upload
 * ids) and action variants are wildcards.
 */
export function acknowledgeBucketGrantWildcards(role: IConstruct, shared: SharedStack, who: string, prefixes: readonly string[]): void {
  const reason = `${who} reads and writes objects under named prefixes of the one files bucket (${prefixes.join(', ')}; keys are upload ids); the action families are those of the bucket's grant methods.`;
  for (const action of BUCKET_GRANT_ACTION_WILDCARDS) {
    acknowledgeRule(role, `AwsSolutions-IAM5[Action::${action}]`, reason);
  }
  for (const prefix of prefixes) {
    acknowledgeRule(role, `AwsSolutions-IAM5[Resource::${shared.bucketArnExportName}/${prefix}]`, reason);
  }
}

/** The managed policies Lambda attaches for CloudWatch Logs (and, in a VPC, its network interfaces), on one function's role. */
export function acknowledgeLambdaBasicExecutionRole(role: IConstruct, inVpc = false): void {
  acknowledgeRule(
    role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.',
  );
  if (inVpc) {
    acknowledgeRule(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'AWSLambdaVPCAccessExecutionRole only lets Lambda manage the network interfaces of a function in a VPC (the api reaches its rate-limit cache there).',
    );
  }
}
