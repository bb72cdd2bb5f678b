import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deadLetterAlarm, iteratorAgeAlarm } from './alarms';
import { apiEnvironment, workerEnvironment } from './app-environment';
import { API_BUCKET_PREFIXES, grantApiAccess, grantWorkerAccess, WORKER_BUCKET_PREFIXES } from './app-grants';
import { acknowledgeBucketGrantWildcards, acknowledgeLambdaBasicExecutionRole, acknowledgeRule } from './nag-suppressions';
import { appResourcesIn } from './app-resources';
import { createAppVpc, RateLimitCache } from './rate-limit-cache';
import type { SharedStack } from './shared.stack';
import type { LambdaArchitecture } from './deploy-settings';

/** The worker's event source mapping (README "On AWS Lambda"): pinned by the tests. */
export const WORKER_EVENT_SOURCE = {
  batchSize: 100,
  maxBatchingWindow: Duration.seconds(1),
  // Only a function error (a thrown handler, a timeout) bisects: the handler itself reports
  // its lowest failed record (reportBatchItemFailures), and the retry starts there.
  bisectBatchOnError: true,
  // Never give a record up while the stream holds it (-1: retry without end, no age limit),
  // as the container worker waits out an outage: the on-failure destination gets metadata
  // only, and a record skipped would leave its upload `pending` once the stream trimmed it.
  // The handler, not the mapping, ends a record's retries (docs/lambda-delivery.md): poison
  // at once, a failure of its own after KINESIS_MAX_ATTEMPTS, and anything still failing
  // past KINESIS_MAX_RECORD_AGE_S (WORKER_DEAD_LETTER_MARGIN short of the retention) to the
  // dead letters with its bytes. The iterator-age alarm says when a shard waits.
  retryAttempts: -1,
  reportBatchItemFailures: true,
  // Two batches of a shard in flight, each in its own execution environment. Lambda keeps
  // per-key order at any factor (one key's records always go to the same concurrent batch), and
  // the worker needs no other order. Why 2 (`npm run bench:lambda-worker`, README "On AWS
  // Lambda"): one environment at KINESIS_MAX_CONCURRENCY 16 stores about 300 records/s when S3
  // answers in ~30 ms (111–184 measured on a busy 2-core machine), short of what a shard can
  // take in: 1 MiB/s is about 550 records/s of a 1 KiB inline upload (1.8 KiB as a record). At
  // the AWS profile a second batch in flight raised a shard's rate 1.4–1.9×, a batch taking
  // 0–35 % longer (two environments sharing 2 cores here; on Lambda each has its own CPU, so
  // about the same GB-seconds per record). Not more: every step adds a concurrent
  // execution per shard (account concurrency = shards × factor) and 16 more S3 and DynamoDB
  // calls in flight; with little traffic the records spread over more, smaller batches (more
  // invocations, each ending with a status and metrics flush); and all of a shard's batches
  // share its one reader, 5 GetRecords calls and 2 MiB/s (about 1,100 such records/s), which a
  // higher factor does not raise.
  parallelizationFactor: 2,
} as const;

/**
 * The mapping's record age limit: none (-1). CDK's maxRecordAge takes 60 s to 7 days only and
 * leaving it out would leave a deployed stack's old limit in place, so it is set on the
 * template (see {@link WORKER_EVENT_SOURCE}).
 */
export const WORKER_MAX_RECORD_AGE_SECONDS = -1;

/**
 * How long before the stream would trim a record the worker dead-letters it if it still
 * fails: time for one more delivery of a shard's oldest record (a function timeout or two)
 * and for the records queued behind it in the same outage, which reach the deadline in turn.
 */
export const WORKER_DEAD_LETTER_MARGIN = Duration.hours(1);

export interface LambdaStackProps extends StackProps {
  readonly shared: SharedStack;
  /** The api function's code: `dist/lambda/api` from `npm run bundle:lambda` (tests pass a stub). */
  readonly apiCode: lambda.Code;
  /** The worker function's code: `dist/lambda/worker`. */
  readonly workerCode: lambda.Code;
  /**
   * Pins both functions to this runtime version (runtime management "Manual"), so the Node
   * that runs them stays the one their code cache was recorded with; without it Lambda
   * updates Node itself ("Auto") and the functions then run without the cache.
   */
  readonly runtimeVersionArn?: string;
  /** Where the functions run (the `lambdaArchitecture` setting); their code cache must come from the same one. */
  readonly architecture: LambdaArchitecture;
}

/**
 * Lambda mode: an HTTP API whose JWT authorizer checks the pool's access tokens before the api
 * function runs, and the worker function on a Kinesis event source mapping that reports
 * partial batch failures and sends what it gives up on to an SQS queue.
 */
export class LambdaStack extends Stack {
  private readonly shared: SharedStack;
  private readonly runtimeVersionArn?: string;
  private readonly architecture: lambda.Architecture;
  readonly api: apigwv2.HttpApi;
  readonly apiFunction: lambda.Function;
  readonly workerFunction: lambda.Function;
  readonly failedBatches: sqs.Queue;

  constructor(scope: Construct, id: string, props: LambdaStackProps) {
    super(scope, id, props);
    const { shared } = props;
    this.shared = shared;
    this.runtimeVersionArn = props.runtimeVersionArn;
    this.architecture = props.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
    const resources = appResourcesIn(this, shared);
    const cognitoIds = { userPoolId: shared.userPool.userPoolId, clientId: shared.userPoolClient.userPoolClientId };

    // The api function joins a VPC for one reason: the shared rate-limit cache (README "Rate
    // limits on AWS"). Lambda's VPC networking costs no ENI per cold start (the interfaces are
    // made when the function is created); the price is the NAT gateway its AWS calls go through.
    const vpc = createAppVpc(this);
    const rateLimits = new RateLimitCache(this, 'RateLimits', vpc);
    this.apiFunction = this.createFunction('Api', props.apiCode, { ...apiEnvironment(resources, cognitoIds, 'lambda'), ...rateLimits.environment }, {
      memorySize: 1024,
      // API Gateway gives up after 29 s; the publisher's deadline is 5 s.
      timeout: Duration.seconds(29),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    rateLimits.allowFrom(this.apiFunction);
    grantApiAccess(this.apiFunction, resources);

    const deadLetterAge = shared.streamRetention.minus(WORKER_DEAD_LETTER_MARGIN);
    this.workerFunction = this.createFunction('Worker', props.workerCode, workerEnvironment(resources, { mode: 'lambda', deadLetterAge }), {
      memorySize: 1024,
      timeout: Duration.minutes(2),
    });
    grantWorkerAccess(this.workerFunction, resources, { readsStream: false });
    this.failedBatches = this.createFailedBatchesQueue();
    this.workerFunction.addEventSource(
      new KinesisEventSource(shared.stream, {
        ...WORKER_EVENT_SOURCE,
        // Never LATEST: records that arrived before the mapping existed would be lost.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        // Reached only if a record leaves the stream unhandled (the mapping never gives up on
        // its own): `npm run redrive -- --failed-batches` takes what it holds. SQS rather than
        // an S3 destination (which would carry the records): it must work while S3 is down.
        onFailure: new SqsDlq(this.failedBatches),
      }),
    );
    this.setNoRecordAgeLimit();

    this.api = this.createHttpApi(shared);

    iteratorAgeAlarm(this, shared.stream.metricGetRecordsIteratorAgeMilliseconds());
    deadLetterAlarm(this, this.workerFunction.logGroup);
    new cloudwatch.Alarm(this, 'FailedBatchesAlarm', {
      alarmDescription: 'The worker mapping gave up on a batch (its shard and sequence range are in the failed-batches queue: npm run redrive -- --failed-batches, within the stream retention).',
      metric: this.failedBatches.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new cloudwatch.Alarm(this, 'Api5xxAlarm', {
      alarmDescription: 'The HTTP API answered 5xx.',
      metric: this.api.metricServerError({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 5,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }

  private setNoRecordAgeLimit(): void {
    const mappings = this.workerFunction.node.findAll().filter((c): c is lambda.CfnEventSourceMapping => c instanceof lambda.CfnEventSourceMapping);
    if (mappings.length !== 1) throw new Error(`LambdaStack: expected the worker's one event source mapping, found ${mappings.length}`);
    mappings[0].maximumRecordAgeInSeconds = WORKER_MAX_RECORD_AGE_SECONDS;
  }

  private createFunction(
    name: string,
    code: lambda.Code,
    environment: Record<string, string>,
    sizing: { memorySize: number; timeout: Duration; vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection },
  ): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
    const fn = new lambda.Function(this, name, {
      code,
      handler: 'index.handler',
      // The Node line the project ships on and is tested on (.node-version); the bundles target
      // it too (tools/lambda). deploy/test checks that the two agree.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: this.architecture,
      environment,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.DISABLED,
      // Left out (Lambda's default, "Auto") unless a version is pinned: see LambdaStackProps.
      ...(this.runtimeVersionArn ? { runtimeManagementMode: lambda.RuntimeManagementMode.manual(this.runtimeVersionArn) } : {}),
      ...sizing,
    });
    acknowledgeRule(fn, 'AwsSolutions-L1', 'Node 24 LTS on purpose: the functions run the Node line the project is built and tested on (.node-version); nodejs26.x is a Current release, not LTS.');
    if (fn.role) {
      acknowledgeLambdaBasicExecutionRole(fn.role, sizing.vpc !== undefined);
      acknowledgeBucketGrantWildcards(fn.role, this.shared, `The ${name.toLowerCase()} function`, name === 'Api' ? API_BUCKET_PREFIXES : WORKER_BUCKET_PREFIXES);
    }
    return fn;
  }

  private createFailedBatchesQueue(): sqs.Queue {
    const queue = new sqs.Queue(this, 'FailedBatches', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeRule(queue, 'AwsSolutions-SQS3', 'This queue is itself the on-failure destination of the worker (nothing consumes it automatically); a DLQ of a DLQ adds nothing.');
    return queue;
  }

  private createHttpApi(shared: SharedStack): apigwv2.HttpApi {
    // The pool's issuer as tokens carry it (the ProviderURL attribute lacks the https:// scheme).
    const issuer = `https://cognito-idp.${shared.region}.amazonaws.com/${shared.userPool.userPoolId}`;
    const authorizer = new HttpJwtAuthorizer('CognitoAccessToken', issuer, {
      // Access tokens carry client_id, not aud: API Gateway checks either against the audience.
      jwtAudience: [shared.userPoolClient.userPoolClientId],
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    const accessLogs = new logs.LogGroup(this, 'HttpApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const api = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Uploads api (Lambda)',
      defaultAuthorizer: authorizer,
      createDefaultStage: false,
    });
    api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    api.addRoutes({ path: '/{proxy+}', methods: [apigwv2.HttpMethod.ANY], integration });
    // Liveness, readiness and the OpenAPI page need no token (they are @Public() in the api).
    for (const path of ['/health', '/health/ready', '/docs', '/docs/{proxy+}']) {
      const [route] = api.addRoutes({ path, methods: [apigwv2.HttpMethod.GET], integration, authorizer: new apigwv2.HttpNoneAuthorizer() });
      acknowledgeRule(route, 'AwsSolutions-APIG4', `GET ${path} is public by design (health probes, OpenAPI page); the api marks it @Public().`);
    }
    return api;
  }
}
