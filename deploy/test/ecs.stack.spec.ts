import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { API_COMMAND, HEALTHCHECK_COMMAND, WORKER_COMMAND } from '../lib/container-commands';
import { actionsOf, type PolicyStatementJson, allowsAction, policyStatements, resourceRefs, templates } from './test-app';

type Container = { Name: string; MountPoints: { ContainerPath: string; ReadOnly: boolean }[]; Image: unknown; Command: string[]; HealthCheck: { Command: string[] }; LogConfiguration: { LogDriver: string }; ReadonlyRootFilesystem: boolean; Environment: { Name: string; Value: unknown }[] };

describe('EcsStack', () => {
  const { ecs, stacks } = templates();
  const containers = Object.values(ecs.findResources('AWS::ECS::TaskDefinition')).flatMap(
    (task) => task.Properties.ContainerDefinitions as Container[],
  );
  const container = (name: string) => containers.find((c) => c.Name === name)!;

  it('runs one image, the api and the worker told apart by their commands', () => {
    expect(containers.map((c) => c.Name).sort()).toEqual(['api', 'worker']);
    expect(container('api').Image).toEqual(container('worker').Image);
    expect(container('api').Command).toEqual([...API_COMMAND]);
    expect(container('worker').Command).toEqual([...WORKER_COMMAND]);
  });

  it('checks each container with the image HEALTHCHECK probe on its own port and logs to CloudWatch', () => {
    for (const c of containers) {
      expect(c.HealthCheck.Command).toEqual(['CMD', ...HEALTHCHECK_COMMAND]);
      expect(c.LogConfiguration.LogDriver).toBe('awslogs');
      expect(c.ReadonlyRootFilesystem).toBe(true);
      expect(c.MountPoints).toEqual([expect.objectContaining({ ContainerPath: '/tmp', ReadOnly: false })]);
    }
    const env = (c: Container) => Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value]));
    // Behind the ALB: its X-Forwarded-For names the client (anonymous rate limits are per client, not per balancer).
    expect(env(container('api'))).toMatchObject({ PORT: '3000', HEALTHCHECK_PORT: '3000', NODE_ENV: 'production', HTTP_TRUSTED_PROXIES: '1' });
    expect(env(container('worker'))).toMatchObject({ WORKER_HEALTH_PORT: '3001', HEALTHCHECK_PORT: '3001', LEASE_TABLE: expect.anything() });
    expect(env(container('api')).COGNITO_TRUST_API_GATEWAY_AUTHORIZER).toBeUndefined();
  });

  it('puts the api behind a public load balancer whose target group checks /health', () => {
    ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health', Port: 80, TargetType: 'ip' });
    ecs.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2, LoadBalancers: Match.anyValue() });
  });

  it('listens on HTTPS (HTTP redirected) with a certificate', () => {
    ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Port: 443 });
    ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
    expect(Annotations.fromStack(stacks.ecs).findError('*', Match.anyValue())).toEqual([]);
  });

  it('does not deploy without a certificate (an error on the stack), unless plain HTTP is asked for by name', () => {
    const refused = templates({ certificateArn: '' });
    expect(Annotations.fromStack(refused.stacks.ecs).findError('*', Match.stringLikeRegexp('No certificateArn'))).toHaveLength(1);
    const allowed = templates({ certificateArn: '', allowHttp: 'true' });
    expect(Annotations.fromStack(allowed.stacks.ecs).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(allowed.stacks.ecs).findWarning('*', Match.stringLikeRegexp('No certificateArn'))).toHaveLength(1);
    allowed.ecs.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', Port: 80, DefaultActions: [Match.objectLike({ Type: 'forward' })] });
  });

  it('scales the worker on the stream iterator age and on CPU', () => {
    ecs.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    ecs.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 60_000,
    });
    ecs.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      }),
    });
    ecs.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' });
  });

  it('grants the task roles only the shared resources; only the worker reads the stream and the leases', () => {
    const api = policyStatements(ecs, /^ApiTaskTaskRole/);
    const worker = policyStatements(ecs, /^WorkerTaskTaskRole/);
    expect(api.length).toBeGreaterThan(0);
    expect(worker.length).toBeGreaterThan(0);
    for (const statement of [...api, ...worker]) {
      for (const ref of resourceRefs(statement)) {
        expect(ref).toMatch(/^(UploadsShared:ExportsOutputFnGetAtt(FileEvents|Uploads|WorkerLeases)|UploadsShared-FilesBucketArn$)/);
      }
    }
    expect(actionsOf(api)).not.toContain('kinesis:GetRecords');
    expect(actionsOf(api).some((a) => a.startsWith('dynamodb:Scan'))).toBe(false);
    expect(actionsOf(worker)).toEqual(expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards', 'dynamodb:Scan', 'dynamodb:UpdateItem']));
    expect(actionsOf(worker)).not.toContain('kinesis:PutRecords');
  });

  it('lets the worker erase a deleted upload for good, and only the worker', () => {
    const api = policyStatements(ecs, /^ApiTaskTaskRole/);
    const worker = policyStatements(ecs, /^WorkerTaskTaskRole/);
    // Every version of the upload's objects, the dead letters and their index; the api's items.
    for (const action of ['s3:ListBucketVersions', 's3:DeleteObjectVersion', 's3:DeleteObject', 'dynamodb:DeleteItem']) {
      expect([action, allowsAction(worker, action)]).toEqual([action, true]);
    }
    // Every write of the upload's own item is a conditional PutItem: no BatchWriteItem left.
    expect(allowsAction(worker, 'dynamodb:BatchWriteItem')).toBe(false);
    expect(allowsAction(api, 's3:DeleteObjectVersion')).toBe(false);
    expect(allowsAction(api, 's3:DeleteObject')).toBe(false);
  });

  it('scopes each app to the bucket prefixes it uses: the api never writes stored files, neither app the whole bucket', () => {
    /** The object key patterns (`uploads/*`, ...) of the statements that allow `action` on objects. */
    const objectPatterns = (statements: PolicyStatementJson[], action: string) =>
      statements
        .filter((statement) => allowsAction([statement], action))
        .flatMap((statement) => JSON.stringify(statement.Resource).match(/"\/[^"]*\*"/g) ?? [])
        .map((pattern) => pattern.slice(2, -1))
        .sort();
    const api = policyStatements(ecs, /^ApiTaskTaskRole/);
    const worker = policyStatements(ecs, /^WorkerTaskTaskRole/);
    expect(objectPatterns(api, 's3:GetObject')).toEqual(['incoming/*', 'uploads/*']);
    expect(objectPatterns(api, 's3:PutObject')).toEqual(['incoming/*']);
    expect(objectPatterns(worker, 's3:GetObject')).toEqual(['dead-letter-index/*', 'dead-letter/*', 'incoming/*', 'uploads/*']);
    expect(objectPatterns(worker, 's3:PutObject')).toEqual(['dead-letter-index/*', 'dead-letter/*', 'uploads/*']);
    expect(objectPatterns(worker, 's3:DeleteObjectVersion')).toEqual(['dead-letter-index/*', 'dead-letter/*', 'incoming/*', 'uploads/*']);
  });

  it('alarms on iterator age, dead letters and 5xx; logs the VPC rejected traffic', () => {
    ecs.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'GetRecords.IteratorAgeMilliseconds', Threshold: 300_000 });
    ecs.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DeadLetters' });
    ecs.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RecordsTrimmedUnread' });
    ecs.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'target + elb' })]),
    });
    ecs.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
    ecs.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    ecs.hasOutput('ApiUrl', {});
  });
});
