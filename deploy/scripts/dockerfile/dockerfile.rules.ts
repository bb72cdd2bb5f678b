import { existsSync } from 'node:fs';
import { pinnedNodeVersion } from '../../../tools/node/pinned-node';
import { join } from 'node:path';
import { API_COMMAND, HEALTHCHECK_COMMAND, WORKER_COMMAND } from '../../lib/container-commands';
import type { DockerStage } from './dockerfile.parser';
import type { SimulatedImage } from './image-build.simulation';

/** Packages only the build needs: `npm prune --omit=dev` must have removed them from the image. */
export const BUILD_ONLY_PACKAGES = ['jest', '@nestjs/cli', 'typescript', 'aws-cdk-lib', 'kinesalite', 'cognito-local', '@swc/core'];

export class CheckFailedError extends Error {
  override readonly name = 'CheckFailedError';
}
export function demand(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailedError(message);
}
const sameWords = (a: readonly string[] | undefined, b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What can be checked by reading the file, before the slow part. Every stage must be the
 * official image of exactly the pinned Node (`.node-version`), whose version it returns.
 */
export function checkStructure(stages: readonly DockerStage[], nodeVersion: string = pinnedNodeVersion()): string {
  demand(stages.length >= 2, 'the Dockerfile must be multi-stage (a build stage and a runtime stage)');
  const pinned = new RegExp(`^node:${escapeRegExp(nodeVersion)}(-[\\w.-]+)?$`);
  for (const stage of stages) demand(pinned.test(stage.image), `every stage must run Node ${nodeVersion} (.node-version), not ${stage.image}`);
  const runs = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
  demand(runs.some((r) => /\bnpm ci\b/.test(r)), 'a RUN must install with npm ci');
  demand(runs.some((r) => /\bnpm run build\b/.test(r)), 'a RUN must build (npm run build)');
  demand(runs.some((r) => /\bnpm prune\b.*--omit=dev/.test(r)), 'a RUN must prune to production dependencies (npm prune --omit=dev)');
  const final = stages[stages.length - 1];
  demand(!final.instructions.some((i) => i.keyword === 'RUN'), 'the runtime stage must not RUN anything (it only copies the build)');
  return nodeVersion;
}

export function checkImage(image: SimulatedImage): void {
  demand(image.user !== undefined && !['root', '0'].includes(image.user.split(':')[0]), `the image must run as a non-root USER, not ${image.user ?? 'root'}`);
  demand(image.env.NODE_ENV === 'production', 'the runtime stage must set ENV NODE_ENV=production');
  demand(sameWords(image.cmd, API_COMMAND), `CMD must be the api's command ${JSON.stringify(API_COMMAND)} (deploy/lib/container-commands.ts), not ${JSON.stringify(image.cmd)}`);
  demand(image.healthcheck, 'the runtime stage needs a HEALTHCHECK');
  demand(sameWords(image.healthcheck.command, HEALTHCHECK_COMMAND), `HEALTHCHECK must run ${JSON.stringify(HEALTHCHECK_COMMAND)}, as the ECS task definitions do`);
  for (const command of [API_COMMAND, WORKER_COMMAND]) {
    const entry = join(image.workdir, command[command.length - 1]);
    demand(existsSync(entry), `the image lacks ${command[command.length - 1]} (${entry})`);
  }
  const leftovers = BUILD_ONLY_PACKAGES.filter((name) => existsSync(join(image.workdir, 'node_modules', name)));
  demand(leftovers.length === 0, `build-only packages reached the image: ${leftovers.join(', ')} (prune before the runtime COPY)`);
}

