import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { formatFindings, runAwsSolutionsChecks } from '../lib/nag-checks';
import { buildTestApp } from './test-app';

/**
 * Every construct carrying a cdk-nag acknowledgement, with its rule ids and reasons
 * (aws-cdk-lib acknowledges some of its own CloudFormation-Validate rules: not ours).
 */
function nagAcknowledgements(root: IConstruct): { path: string; construct: IConstruct; rules: Record<string, string> }[] {
  return root.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .map((entry) => ({
          path: construct.node.path,
          construct,
          rules: Object.fromEntries(
            Object.entries(entry.data as Record<string, string>)
              .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason])
              .filter(([id]) => id.startsWith('AwsSolutions-')),
          ),
        }))
        .filter(({ rules }) => Object.keys(rules).length > 0),
    );
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['the defaults', {}],
    ['a provisioned stream and HTTPS', { streamMode: 'provisioned', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }],
  ])('finds no unacknowledged error with %s', (_label, context) => {
    const { app } = buildTestApp(context);
    app.synth();
    const { errors } = runAwsSolutionsChecks(app);
    expect(formatFindings(errors)).toBe('');
  });

  it('reports an error for an insecure resource (the check can fail)', () => {
    const app = new App();
    const stack = new Stack(app, 'Insecure');
    new s3.Bucket(stack, 'Open', { enforceSSL: false, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY });
    app.synth();
    const rules = runAwsSolutionsChecks(app).errors.map((e) => e.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  it('acknowledges rules only on single resources, never on a stack or the app, each with a reason', () => {
    const { app } = buildTestApp();
    const found = nagAcknowledgements(app);
    expect(found.length).toBeGreaterThan(0);
    for (const { path, construct, rules } of found) {
      expect({ path, isStack: Stack.isStack(construct) || construct === app }).toEqual({ path, isStack: false });
      // The construct is one resource (or the L2 around it): it owns at least one CloudFormation resource.
      expect({ path, owns: construct.node.findAll().some((c) => CfnResource.isCfnResource(c)) }).toEqual({ path, owns: true });
      for (const [rule, reason] of Object.entries(rules)) {
        expect({ rule, reason: reason.length >= 40 }).toEqual({ rule, reason: true });
      }
    }
  });
});
