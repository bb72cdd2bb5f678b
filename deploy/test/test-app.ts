import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildUploadsApp, type UploadsStacks } from '../lib/uploads.app';

/**
 * The stacks with stand-in artefacts: inline code instead of the esbuild bundles and a
 * registry image instead of the Dockerfile asset, so the tests need neither
 * `npm run bundle:lambda` nor a staged build context. What the tests pin (settings, grants,
 * routes, alarms) does not depend on the artefacts; `npm run deploy:synth` uses the real ones.
 */
/**
 * The CLI always passes a region (CDK_DEFAULT_REGION, us-east-1 without a profile); the load
 * balancer's access logs need one to name the ELB log-delivery principal.
 */
const TEST_ENV = { region: 'us-east-1' };

/** What every real deployment must give (deploy-settings refuses to synthesize without them). */
export const REQUIRED_CONTEXT = {
  callbackUrls: 'https://uploads.example.com/',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
};

export function buildTestApp(context: Record<string, unknown> = {}): { app: App; stacks: UploadsStacks } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...REQUIRED_CONTEXT, ...context } });
  const stacks = buildUploadsApp(app, {
    apiCode: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    workerCode: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:24-slim'),
  }, TEST_ENV);
  return { app, stacks };
}

export function templates(context: Record<string, unknown> = {}): { shared: Template; lambda: Template; ecs: Template; app: App; stacks: UploadsStacks } {
  const { app, stacks } = buildTestApp(context);
  return {
    app,
    stacks,
    shared: Template.fromStack(stacks.shared),
    lambda: Template.fromStack(stacks.lambda),
    ecs: Template.fromStack(stacks.ecs),
  };
}

export interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every statement of every AWS::IAM::Policy in a template whose logical id matches. */
export function policyStatements(template: Template, logicalIdPattern: RegExp): PolicyStatementJson[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([id]) => logicalIdPattern.test(id))
    .flatMap(([, policy]) => (policy as { Properties: { PolicyDocument: { Statement: PolicyStatementJson[] } } }).Properties.PolicyDocument.Statement);
}

export function actionsOf(statements: PolicyStatementJson[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}

/** Whether some statement's action (IAM wildcards included: `s3:DeleteObject*`) allows `action`. */
export function allowsAction(statements: PolicyStatementJson[], action: string): boolean {
  const pattern = (granted: string) => new RegExp(`^${granted.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return actionsOf(statements).some((granted) => pattern(granted).test(action));
}

/** The import names / logical ids a statement's resources refer to (`*` for a literal star). */
export function resourceRefs(statement: PolicyStatementJson): string[] {
  const refs: string[] = [];
  const walk = (value: unknown): void => {
    if (value === '*') refs.push('*');
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record['Fn::ImportValue'] === 'string') refs.push(record['Fn::ImportValue']);
      else if (Array.isArray(record['Fn::GetAtt'])) refs.push(String(record['Fn::GetAtt'][0]));
      else if (typeof record.Ref === 'string') refs.push(record.Ref);
      else Object.values(record).forEach(walk);
    }
  };
  walk(statement.Resource);
  return refs;
}
