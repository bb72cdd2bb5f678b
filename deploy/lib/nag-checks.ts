import type { PolicyViolation } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface NagFindings {
  readonly errors: PolicyViolation[];
  readonly warnings: PolicyViolation[];
}

/**
 * Runs cdk-nag's AwsSolutions pack over a construct tree (the app or one stack) and splits
 * what is left after acknowledgements into errors and warnings. The synth fails on errors
 * (bin/uploads.app.ts); the tests require none.
 */
export function runAwsSolutionsChecks(scope: IConstruct): NagFindings {
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
  return {
    errors: report.violations.filter((v) => v.severity === 'error'),
    warnings: report.violations.filter((v) => v.severity !== 'error'),
  };
}

export function formatFindings(findings: readonly PolicyViolation[]): string {
  return findings
    .map((v) => `${v.ruleName} (${v.severity}): ${v.description}\n${v.violatingResources.map((r) => `    at ${r.constructPath ?? r.resourceLogicalId}`).join('\n')}`)
    .join('\n');
}
