import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { deadLetterAlarm, iteratorAgeAlarm, recordsLostAlarm } from './alarms';
import { API_PORT, WORKER_HEALTH_PORT, apiEnvironment, workerEnvironment } from './app-environment';
import { API_BUCKET_PREFIXES, grantApiAccess, grantWorkerAccess, WORKER_BUCKET_PREFIXES } from './app-grants';
import { API_COMMAND, HEALTHCHECK_COMMAND, WORKER_COMMAND } from './container-commands';
import { acknowledgeBucketGrantWildcards, acknowledgeRule } from './nag-suppressions';
import { appResourcesIn } from './app-resources';
import { createAppVpc, RateLimitCache } from './rate-limit-cache';
import type { SharedStack } from './shared.stack';

export interface EcsStackProps extends StackProps {
  readonly shared: SharedStack;
  /** The one image of both apps (the repository's Dockerfile; tests pass a registry stub). */
  readonly image: ecs.ContainerImage;
  /** HTTPS on the load balancer with this ACM certificate; without it the stack has an error (it does not deploy) unless `allowHttp`. */
  readonly certificateArn?: string;
  /** Accept HTTP only (a warning instead of the error): a test stack. */
  readonly allowHttp?: boolean;
  /** Upper bound of the worker service's autoscaling. */
  readonly workerMaxTasks: number;
}

/** Worker autoscaling: iterator age steps (ms) and the CPU target (%). */
export const WORKER_SCALING = { iteratorAgeScaleOutMs: 60_000, iteratorAgeScaleInMs: 5_000, cpuTargetPercent: 60 } as const;

/**
 * ECS mode: the api as a Fargate service behind an application load balancer (health check on
 * /health), the worker as a Fargate service scaled on the stream's iterator age and on CPU;
 * the same image for both, told apart by the command; logs to CloudWatch.
 */
export class EcsStack extends Stack {
  private readonly shared: SharedStack;
  readonly api: ecsPatterns.ApplicationLoadBalancedFargateService;
  readonly worker: ecs.FargateService;

  constructor(scope: Construct, id: string, props: EcsStackProps) {
    super(scope, id, props);
    const { shared } = props;
    this.shared = shared;
    const resources = appResourcesIn(this, shared);
    const cognitoIds = { userPoolId: shared.userPool.userPoolId, clientId: shared.userPoolClient.userPoolClientId };

    const vpc = createAppVpc(this);
    const rateLimits = new RateLimitCache(this, 'RateLimits', vpc);
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    const { task: apiTask } = this.createTaskDefinition('Api', props.image, {
      command: [...API_COMMAND],
      environment: {
        ...apiEnvironment(resources, cognitoIds, 'container'),
        ...rateLimits.environment,
        AWS_REGION: this.region,
        HEALTHCHECK_PORT: String(API_PORT),
      },
      port: API_PORT,
    });
    grantApiAccess(apiTask.taskRole, resources);
    this.api = this.createApiService(cluster, apiTask, props.certificateArn, props.allowHttp ?? false);
    rateLimits.allowFrom(this.api.service);

    const { task: workerTask, logGroup: workerLogs } = this.createTaskDefinition('Worker', props.image, {
      command: [...WORKER_COMMAND],
      environment: { ...workerEnvironment(resources, { mode: 'container' }), AWS_REGION: this.region, HEALTHCHECK_PORT: String(WORKER_HEALTH_PORT) },
    });
    grantWorkerAccess(workerTask.taskRole, resources, { readsStream: true });
    this.worker = new ecs.FargateService(this, 'WorkerService', {
      cluster,
      taskDefinition: workerTask,
      desiredCount: 1,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    this.scaleWorker(shared, props.workerMaxTasks);

    iteratorAgeAlarm(this, shared.stream.metricGetRecordsIteratorAgeMilliseconds());
    deadLetterAlarm(this, workerLogs);
    recordsLostAlarm(this, workerLogs);
    new cloudwatch.Alarm(this, 'Api5xxAlarm', {
      alarmDescription: 'The api (its tasks or the load balancer) answered 5xx.',
      metric: new cloudwatch.MathExpression({
        expression: 'target + elb',
        usingMetrics: {
          target: this.api.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' }),
          elb: this.api.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' }),
        },
        period: Duration.minutes(1),
      }),
      threshold: 5,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const scheme = props.certificateArn ? 'https' : 'http';
    new CfnOutput(this, 'ApiUrl', { value: `${scheme}://${this.api.loadBalancer.loadBalancerDnsName}` });
  }

  private createTaskDefinition(
    name: 'Api' | 'Worker',
    image: ecs.ContainerImage,
    options: { command: string[]; environment: Record<string, string>; port?: number },
  ): { task: ecs.FargateTaskDefinition; logGroup: logs.LogGroup } {
    const task = new ecs.FargateTaskDefinition(this, `${name}Task`, {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const logGroup = new logs.LogGroup(this, `${name}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const container = task.addContainer(name.toLowerCase(), {
      image,
      command: options.command,
      environment: options.environment,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: name.toLowerCase() }),
      // ECS ignores the image's HEALTHCHECK; the same probe, declared for ECS.
      healthCheck: {
        command: ['CMD', ...HEALTHCHECK_COMMAND.slice()],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        startPeriod: Duration.seconds(30),
        retries: 3,
      },
      // An init process reaps zombies and forwards SIGTERM, so Nest's shutdown hooks run.
      linuxParameters: new ecs.LinuxParameters(this, `${name}LinuxParameters`, { initProcessEnabled: true }),
      // The code cannot be rewritten at run time; /tmp (below) is the only writable place.
      readonlyRootFilesystem: true,
      portMappings: options.port ? [{ containerPort: options.port }] : [],
      stopTimeout: Duration.seconds(30),
    });
    task.addVolume({ name: 'tmp' });
    container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
    acknowledgeRule(task, 'AwsSolutions-ECS2', 'The environment holds resource names and ids only (stream, bucket, tables, pool); no secret is passed to the tasks.');
    acknowledgeRule(
      task.obtainExecutionRole(),
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken has no resource-level permissions; the execution role only pulls the image and writes logs.',
    );
    acknowledgeBucketGrantWildcards(task.taskRole, this.shared, `The ${name.toLowerCase()} task`, name === 'Api' ? API_BUCKET_PREFIXES : WORKER_BUCKET_PREFIXES);
    return { task, logGroup };
  }

  private createApiService(
    cluster: ecs.Cluster,
    taskDefinition: ecs.FargateTaskDefinition,
    certificateArn: string | undefined,
    allowHttp: boolean,
  ): ecsPatterns.ApplicationLoadBalancedFargateService {
    const service = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'ApiService', {
      cluster,
      taskDefinition,
      desiredCount: 2,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      publicLoadBalancer: true,
      ...(certificateArn
        ? {
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
            protocol: elbv2.ApplicationProtocol.HTTPS,
            redirectHTTP: true,
            sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          }
        : {}),
    });
    if (!certificateArn) {
      // Bearer tokens in clear text: refused unless asked for by name (a throw-away test stack).
      const message =
        'No certificateArn in context: the load balancer would listen on HTTP only and bearer tokens would cross the internet in clear text. ' +
        'Set -c certificateArn=<ACM certificate ARN>, or -c allowHttp=true for a test stack.';
      if (allowHttp) Annotations.of(service).addWarningV2('uploads:http-only', message);
      else Annotations.of(service).addError(message);
    }
    service.targetGroup.configureHealthCheck({ path: '/health', healthyHttpCodes: '200', interval: Duration.seconds(15) });
    // Let in-flight uploads finish (the api drains on SIGTERM) before a task is stopped.
    service.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '30');

    const accessLogs = new s3.Bucket(this, 'LoadBalancerLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeRule(accessLogs, 'AwsSolutions-S1', 'This bucket holds the load balancer access logs; logging it in turn would loop.');
    service.loadBalancer.logAccessLogs(accessLogs, 'api-alb');
    service.loadBalancer.setAttribute('routing.http.drop_invalid_header_fields.enabled', 'true');
    for (const securityGroup of service.loadBalancer.connections.securityGroups) {
      acknowledgeRule(securityGroup, 'AwsSolutions-EC23', 'The public api: its load balancer accepts HTTP(S) from anywhere; the tasks accept only the load balancer.');
    }
    return service;
  }

  private scaleWorker(shared: SharedStack, maxTasks: number): void {
    const scaling = this.worker.autoScaleTaskCount({ minCapacity: 1, maxCapacity: maxTasks });
    scaling.scaleOnMetric('IteratorAge', {
      metric: shared.stream.metricGetRecordsIteratorAgeMilliseconds({ period: Duration.minutes(1) }),
      scalingSteps: [
        { upper: WORKER_SCALING.iteratorAgeScaleInMs, change: -1 },
        { lower: WORKER_SCALING.iteratorAgeScaleOutMs, change: +1 },
        { lower: WORKER_SCALING.iteratorAgeScaleOutMs * 10, change: +2 },
      ],
      cooldown: Duration.minutes(2),
    });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: WORKER_SCALING.cpuTargetPercent });
  }
}
