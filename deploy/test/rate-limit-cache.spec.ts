import type { Template } from 'aws-cdk-lib/assertions';
import { templates } from './test-app';

/** The api's variables where they are set: the ECS task's container, or the Lambda function. */
function apiVariables(template: Template, mode: 'ecs' | 'lambda'): Record<string, unknown> {
  if (mode === 'lambda') {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((r) => r.Properties);
    const api = functions.find((f) => f.Environment?.Variables?.COGNITO_USER_POOL_ID !== undefined)!;
    return api.Environment.Variables;
  }
  const tasks = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map((r) => r.Properties.ContainerDefinitions[0]);
  const api = tasks.find((c) => c.Name === 'api')!;
  return Object.fromEntries(api.Environment.map((v: { Name: string; Value: unknown }) => [v.Name, v.Value]));
}

describe.each(['ecs', 'lambda'] as const)('the shared rate-limit cache (%s)', (mode) => {
  const template = templates()[mode];

  it('is ElastiCache Serverless for Valkey in the private subnets, with a storage ceiling', () => {
    const caches = Object.values(template.findResources('AWS::ElastiCache::ServerlessCache')).map((r) => r.Properties);
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatchObject({ Engine: 'valkey', MajorEngineVersion: '8', CacheUsageLimits: { DataStorage: { Maximum: 1, Unit: 'GB' } } });
    expect(caches[0].SubnetIds).toHaveLength(2);
  });

  it('gives the api its TLS address in cluster mode', () => {
    const variables = apiVariables(template, mode);
    expect(JSON.stringify(variables.RATE_LIMIT_REDIS_URL)).toContain('rediss://');
    expect(JSON.stringify(variables.RATE_LIMIT_REDIS_URL)).toContain('Endpoint.Address');
    expect(variables.RATE_LIMIT_REDIS_CLUSTER).toBe('true');
  });

  it('accepts connections on 6379 from the api alone', () => {
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => r.Properties)
      .filter((rule) => rule.FromPort === 6379);
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ IpProtocol: 'tcp', ToPort: 6379 });
    expect(ingress[0].SourceSecurityGroupId).toBeDefined();
    const cacheGroups = Object.values(template.findResources('AWS::EC2::SecurityGroup')).filter(
      (r) => r.Properties.GroupDescription === 'The rate-limit cache: Valkey from the api only',
    );
    expect(cacheGroups).toHaveLength(1);
    expect(cacheGroups[0].Properties.SecurityGroupIngress).toBeUndefined();
  });
});

describe('the Lambda api function and the cache', () => {
  const { lambda } = templates();

  it('runs the api in the VPC (to reach the cache) and leaves the worker outside it', () => {
    const functions = Object.values(lambda.findResources('AWS::Lambda::Function')).map((r) => r.Properties);
    const api = functions.find((f) => f.Environment?.Variables?.COGNITO_USER_POOL_ID !== undefined)!;
    const worker = functions.find((f) => f.Environment?.Variables?.KINESIS_MAX_CONCURRENCY !== undefined)!;
    expect(api.VpcConfig.SubnetIds).toHaveLength(2);
    expect(api.VpcConfig.SecurityGroupIds).toHaveLength(1);
    expect(worker.VpcConfig).toBeUndefined();
  });
});
