import { Match } from 'aws-cdk-lib/assertions';
import { actionsOf, policyStatements, resourceRefs, templates } from './test-app';
import { pinnedNodeMajor } from '../../tools/node/pinned-node';
import { DEPLOYED_MAPPING } from '../../test-kit/lambda/event-source-mapping';
import { LAMBDA_WORKER_MAX_CONCURRENCY } from '../lib/app-environment';
import { WORKER_DEAD_LETTER_MARGIN, WORKER_EVENT_SOURCE } from '../lib/lambda.stack';

describe('LambdaStack', () => {
  const { lambda } = templates();

  it('puts a JWT authorizer for the pool (issuer) and the app client (audience) in front of every private route', () => {
    lambda.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: {
          'Fn::Join': ['', ['https://cognito-idp.us-east-1.amazonaws.com/', { 'Fn::ImportValue': Match.stringLikeRegexp('^UploadsShared:ExportsOutputRefUsers') }]],
        },
        Audience: [{ 'Fn::ImportValue': Match.stringLikeRegexp('AppClient') }],
      },
    });
    lambda.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /{proxy+}', AuthorizationType: 'JWT' });
    const routes = Object.values(lambda.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    const open = routes.filter((r) => r.AuthorizationType !== 'JWT').map((r) => r.RouteKey).sort();
    // Only what the api itself marks @Public().
    expect(open).toEqual(['GET /docs', 'GET /docs/{proxy+}', 'GET /health', 'GET /health/ready']);
  });

  it('logs the HTTP API access and throttles its stage', () => {
    lambda.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
    });
  });

  it('runs both functions on the pinned Node line (.node-version) with the bundles handler and the api settings from the README', () => {
    lambda.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: `nodejs${pinnedNodeMajor()}.x`,
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          COGNITO_TRUST_API_GATEWAY_AUTHORIZER: 'true',
          // Neither a small young generation nor source maps at start-up (cold start).
          NODE_OPTIONS: Match.absent(),
          COGNITO_USER_POOL_ID: Match.anyValue(),
          COGNITO_CLIENT_IDS: Match.anyValue(),
          KINESIS_STREAM_NAME: Match.anyValue(),
          S3_BUCKET: Match.anyValue(),
          UPLOADS_TABLE: Match.anyValue(),
        }),
      },
    });
    const functions = Object.values(lambda.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    const app = functions.filter((f) => f.Handler === 'index.handler');
    expect(app).toHaveLength(2);
    for (const fn of app) expect(fn.Runtime).toBe(`nodejs${pinnedNodeMajor()}.x`);
  });

  it('feeds the worker from the stream with the event source settings the worker relies on', () => {
    lambda.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('FileEvents') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      // Never skipped while in the stream: the handler ends a record's retries, with its bytes kept.
      MaximumRetryAttempts: -1,
      MaximumRecordAgeInSeconds: -1,
      // Chosen from bench:lambda-worker (README "On AWS Lambda"); per-key order holds at any factor.
      ParallelizationFactor: 2,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedBatches'), 'Arn'] } } },
    });
    lambda.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('has the worker dead-letter a record that still fails an hour before the stream would trim it', () => {
    const deadline = (template: typeof lambda) =>
      Object.values(template.findResources('AWS::Lambda::Function'))
        .map((f) => f.Properties.Environment?.Variables?.KINESIS_MAX_RECORD_AGE_S)
        .filter((value) => value !== undefined);
    // The default retention is 24 h.
    expect(deadline(lambda)).toEqual([String(23 * 3600)]);
    expect(deadline(templates({ streamRetentionHours: 168 }).lambda)).toEqual([String(167 * 3600)]);
    expect(WORKER_DEAD_LETTER_MARGIN.toHours()).toBe(1);
  });

  it('runs the worker function with the concurrency per shard chosen from bench:lambda-worker', () => {
    const worker = Object.values(lambda.findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties)
      .find((f) => f.Environment?.Variables?.KINESIS_MAX_CONCURRENCY !== undefined);
    expect(worker?.Environment.Variables.KINESIS_MAX_CONCURRENCY).toBe(String(LAMBDA_WORKER_MAX_CONCURRENCY));
    expect(LAMBDA_WORKER_MAX_CONCURRENCY).toBe(16);
  });

  it('is the event source mapping bench:lambda-worker models (batch size, batching window, retries)', () => {
    expect(DEPLOYED_MAPPING).toEqual({
      batchSize: WORKER_EVENT_SOURCE.batchSize,
      batchingWindowMs: WORKER_EVENT_SOURCE.maxBatchingWindow.toMilliseconds(),
      retryAttempts: WORKER_EVENT_SOURCE.retryAttempts,
    });
  });

  it('grants each function only its own actions, on the shared stream, bucket and tables', () => {
    const api = policyStatements(lambda, /^ApiServiceRole/);
    const worker = policyStatements(lambda, /^WorkerServiceRole/);
    expect(actionsOf(api).filter((a) => a.startsWith('kinesis:'))).toEqual(['kinesis:DescribeStreamSummary', 'kinesis:PutRecord', 'kinesis:PutRecords']);
    expect(actionsOf(api).filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(actionsOf(worker)).not.toContain('kinesis:PutRecords');
    expect(actionsOf(worker)).toContain('s3:DeleteObject*');
    expect(actionsOf(api)).not.toContain('s3:DeleteObject*');
    for (const statement of [...api, ...worker]) {
      const refs = resourceRefs(statement);
      expect(refs).not.toContain('*');
      for (const ref of refs) {
        // Only the shared stack's exports (stream, bucket, uploads table) and the failure queue.
        expect(ref).toMatch(/^(UploadsShared:ExportsOutputFnGetAtt(FileEvents|Uploads)|UploadsShared-FilesBucketArn$|FailedBatches)/);
      }
    }
    // The worker on Lambda has no lease table: the event source mapping shares the shards.
    expect(worker.flatMap(resourceRefs).some((ref) => ref.includes('WorkerLeases'))).toBe(false);
  });

  it('lets only its own HTTP API invoke the api function', () => {
    const permissions = Object.values(lambda.findResources('AWS::Lambda::Permission')).map((p) => p.Properties);
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(permission.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.SourceArn)).toContain('HttpApi');
    }
  });

  it('alarms on iterator age, dead letters, failed batches and 5xx', () => {
    lambda.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'GetRecords.IteratorAgeMilliseconds', Namespace: 'AWS/Kinesis' });
    lambda.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DeadLetters', Threshold: 0 });
    lambda.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS' });
    lambda.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: '5xx', Namespace: 'AWS/ApiGateway' });
    lambda.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '"dead-lettered"' });
    lambda.hasOutput('ApiUrl', {});
  });

  it('pins both functions to a runtime version ("Manual") only when lambdaRuntimeVersionArn is given, so the code cache matches', () => {
    const functions = (template: typeof lambda) => Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties);
    // Default: Lambda's own "Auto" (nothing in the template); the bundles then run without their cache after an update.
    expect(functions(lambda).map((f) => f.RuntimeManagementConfig)).toEqual([undefined, undefined]);

    const arn = `arn:aws:lambda:us-east-1::runtime:${'ab12'.repeat(16)}`;
    const pinned = functions(templates({ lambdaRuntimeVersionArn: arn }).lambda);
    expect(pinned).toHaveLength(2);
    for (const fn of pinned) expect(fn.RuntimeManagementConfig).toEqual({ UpdateRuntimeOn: 'Manual', RuntimeVersionArn: arn });
  });

  it('runs both functions on x86_64 by default, where the code cache is recorded, and on arm64 when asked', () => {
    const architectures = (template: typeof lambda) =>
      Object.values(template.findResources('AWS::Lambda::Function'))
        .map((f) => f.Properties)
        .filter((f) => f.Handler === 'index.handler')
        .map((f) => f.Architectures);
    expect(architectures(lambda)).toEqual([['x86_64'], ['x86_64']]);
    expect(architectures(templates({ lambdaArchitecture: 'arm64' }).lambda)).toEqual([['arm64'], ['arm64']]);
  });
});
