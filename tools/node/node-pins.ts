import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files that name a Node version, as text: every one must follow `.node-version`. */
export interface NodePinSources {
  nodeVersion: string;
  dockerfile: string;
  packageJson: string;
  lambdaStack: string;
  ciRun: string;
}

export function readNodePinSources(root: string): NodePinSources {
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  return {
    nodeVersion: read('.node-version'),
    dockerfile: read('Dockerfile'),
    packageJson: read('package.json'),
    lambdaStack: read('deploy/lib/lambda.stack.ts'),
    ciRun: read('.ci/run'),
  };
}

/**
 * Where a file disagrees with `.node-version`, one line each; empty when all agree. The
 * Dockerfile's stages run exactly that version; `engines` asks for at least it; the Lambda
 * functions run its line; `@types/node` describes its line; CI runs on it (through
 * tools/node/pinned-node.sh, which reads the file).
 */
export function nodePinDisagreements(sources: NodePinSources): string[] {
  const version = sources.nodeVersion.trim();
  const major = version.split('.')[0];
  const problems: string[] = [];
  if (!/^\d+\.\d+\.\d+$/.test(version)) return [`.node-version must hold one exact version such as 24.22.3, not "${version}"`];

  const images = [...sources.dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gim)].map((m) => m[1]);
  if (images.length === 0) problems.push('Dockerfile: no FROM line');
  for (const image of images) {
    const tag = /^node:(\d+\.\d+\.\d+)(?:-[\w.-]+)?$/.exec(image);
    if (tag?.[1] !== version) problems.push(`Dockerfile: FROM ${image} is not node:${version}`);
  }

  const pkg = JSON.parse(sources.packageJson) as { engines?: { node?: string }; devDependencies?: Record<string, string> };
  if (pkg.engines?.node !== `>=${version}`) problems.push(`package.json: engines.node is ${JSON.stringify(pkg.engines?.node)}, not ">=${version}"`);
  const types = pkg.devDependencies?.['@types/node'];
  if (types?.split('.')[0] !== major) problems.push(`package.json: @types/node ${types} does not describe Node ${major}`);

  const runtimes = [...sources.lambdaStack.matchAll(/Runtime\.(NODEJS_\w+)/g)].map((m) => m[1]);
  if (runtimes.length === 0) problems.push('deploy/lib/lambda.stack.ts: no Lambda runtime found');
  for (const runtime of runtimes) {
    if (runtime !== `NODEJS_${major}_X`) problems.push(`deploy/lib/lambda.stack.ts: Runtime.${runtime} is not NODEJS_${major}_X`);
  }

  if (!/^PATH="\$\(tools\/node\/pinned-node\.sh\):\$PATH"$/m.test(sources.ciRun)) {
    problems.push('.ci/run: does not put the pinned Node first on PATH (tools/node/pinned-node.sh)');
  }
  return problems;
}
