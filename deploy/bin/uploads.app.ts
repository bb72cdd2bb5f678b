// The CDK app (deploy/cdk.json): `npm run deploy:synth` synthesizes it offline;
// `cd deploy && npx cdk deploy UploadsLambda` (or UploadsEcs) deploys a mode.
import { App } from 'aws-cdk-lib';
import { formatFindings, runAwsSolutionsChecks } from '../lib/nag-checks';
import { repoArtifacts } from '../lib/repo-artifacts';
import { readDeploySettings } from '../lib/deploy-settings';
import { buildUploadsApp } from '../lib/uploads.app';

const app = new App();
// Without credentials (offline synth) both are undefined and the stacks are environment-agnostic.
const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
buildUploadsApp(app, repoArtifacts(readDeploySettings(app.node).lambdaArchitecture), env);
app.synth();

// cdk-nag (AwsSolutions) over the whole app, after synthesis so every construct exists.
const findings = runAwsSolutionsChecks(app);
if (findings.warnings.length > 0) {
  console.error(`cdk-nag: ${findings.warnings.length} warning(s)\n${formatFindings(findings.warnings)}`);
}
console.error(`cdk-nag AwsSolutions: ${findings.errors.length} unacknowledged error(s), ${findings.warnings.length} warning(s)`);
if (findings.errors.length > 0) {
  console.error(`cdk-nag: ${findings.errors.length} unacknowledged error(s)\n${formatFindings(findings.errors)}`);
  process.exit(1);
}
