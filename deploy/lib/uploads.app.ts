import type { App, Environment } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { readDeploySettings } from './deploy-settings';
import { EcsStack } from './ecs.stack';
import { LambdaStack } from './lambda.stack';
import { SharedStack } from './shared.stack';

/** Stack names, as `npx cdk deploy <name>` takes them. */
export const STACK_NAMES = { shared: 'UploadsShared', lambda: 'UploadsLambda', ecs: 'UploadsEcs' } as const;

/** What the deployable artefacts are; the real app passes the bundles and the Dockerfile, tests pass stubs. */
export interface UploadsArtifacts {
  readonly apiCode: lambda.Code;
  readonly workerCode: lambda.Code;
  readonly image: ecs.ContainerImage;
}

export interface UploadsStacks {
  readonly shared: SharedStack;
  readonly lambda: LambdaStack;
  readonly ecs: EcsStack;
}

/**
 * The three stacks in one app: deploying `UploadsLambda` or `UploadsEcs` deploys
 * `UploadsShared` first (CDK follows the references), so either mode is one command.
 * cdk-nag's AwsSolutions pack (runAwsSolutionsChecks) checks every stack; its errors fail the synth.
 */
export function buildUploadsApp(app: App, artifacts: UploadsArtifacts, env?: Environment): UploadsStacks {
  const settings = readDeploySettings(app.node);
  const shared = new SharedStack(app, STACK_NAMES.shared, { env, settings, description: 'Uploads: user pool, stream, bucket, tables' });
  const lambdaStack = new LambdaStack(app, STACK_NAMES.lambda, {
    env,
    shared,
    apiCode: artifacts.apiCode,
    workerCode: artifacts.workerCode,
    runtimeVersionArn: settings.lambdaRuntimeVersionArn,
    architecture: settings.lambdaArchitecture,
    description: 'Uploads on AWS Lambda: HTTP API + JWT authorizer, worker on a Kinesis event source',
  });
  const ecsStack = new EcsStack(app, STACK_NAMES.ecs, {
    env,
    shared,
    image: artifacts.image,
    certificateArn: settings.certificateArn,
    allowHttp: settings.allowHttp,
    workerMaxTasks: settings.workerMaxTasks,
    description: 'Uploads on ECS Fargate: api behind an ALB, worker scaled on iterator age and CPU',
  });
  return { shared, lambda: lambdaStack, ecs: ecsStack };
}
