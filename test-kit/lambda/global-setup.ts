import localCloudSetup from '../global-setup';
import { buildLambdaBundles } from './lambda-bundles';

/**
 * The Lambda suites test the bundles a deployment ships, so they are built first, then the
 * usual local cloud starts. The bundles run on the pinned Node (LAMBDA_NODE, read by
 * invokeBundle), the one their caches were recorded by.
 */
export default async function globalSetup(): Promise<void> {
  process.env.LAMBDA_NODE = await buildLambdaBundles();
  await localCloudSetup();
}
