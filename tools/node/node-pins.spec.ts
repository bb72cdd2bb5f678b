import { join } from 'node:path';
import { nodePinDisagreements, readNodePinSources, type NodePinSources } from './node-pins';

const AGREEING: NodePinSources = {
  nodeVersion: '24.1.2\n',
  dockerfile: 'FROM node:24.1.2-bookworm-slim AS build\nRUN npm ci\nFROM node:24.1.2-bookworm-slim\nCMD ["node", "main.js"]\n',
  packageJson: JSON.stringify({ engines: { node: '>=24.1.2' }, devDependencies: { '@types/node': '24.0.9' } }),
  lambdaStack: 'runtime: lambda.Runtime.NODEJS_24_X,',
  ciRun: 'set -e\nPATH="$(tools/node/pinned-node.sh):$PATH"\nexport PATH\nnpm ci\n',
};

describe('the Node version pins', () => {
  it('agree with .node-version across the repository', () => {
    expect(nodePinDisagreements(readNodePinSources(join(__dirname, '..', '..')))).toEqual([]);
  });

  it('agree in the reference set', () => {
    expect(nodePinDisagreements(AGREEING)).toEqual([]);
  });

  it.each<[string, Partial<NodePinSources>, string]>([
    ['a Dockerfile stage on another patch', { dockerfile: AGREEING.dockerfile.replace('FROM node:24.1.2-bookworm-slim\n', 'FROM node:24.1.3-bookworm-slim\n') }, 'Dockerfile: FROM node:24.1.3-bookworm-slim'],
    ['a Dockerfile stage on a floating tag', { dockerfile: AGREEING.dockerfile.replace('node:24.1.2-bookworm-slim AS', 'node:24-slim AS') }, 'Dockerfile: FROM node:24-slim'],
    ['engines asking for less', { packageJson: JSON.stringify({ engines: { node: '>=20.19' }, devDependencies: { '@types/node': '24.0.9' } }) }, 'engines.node'],
    ['@types/node of another line', { packageJson: JSON.stringify({ engines: { node: '>=24.1.2' }, devDependencies: { '@types/node': '20.19.43' } }) }, '@types/node 20.19.43'],
    ['a Lambda runtime of another line', { lambdaStack: 'runtime: lambda.Runtime.NODEJS_22_X,' }, 'Runtime.NODEJS_22_X is not NODEJS_24_X'],
    ['CI on the machine Node', { ciRun: 'set -e\nnpm ci\n' }, '.ci/run'],
    ['a version that is not exact', { nodeVersion: 'lts/*' }, 'one exact version'],
  ])('disagree when %s', (_label, change, expected) => {
    expect(nodePinDisagreements({ ...AGREEING, ...change }).join('\n')).toContain(expected);
  });
});
