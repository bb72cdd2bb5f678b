import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { basename, isAbsolute, join, posix } from 'node:path';
import { commandWords, envPairs, splitFlags, type DockerInstruction, type DockerStage } from './dockerfile.parser';

/** The final stage as a container would start: its folder (the image's `/`), settings and commands. */
export interface SimulatedImage {
  /** Host folder standing for the final stage's filesystem root. */
  readonly root: string;
  /** Host folder of the final WORKDIR (where CMD runs). */
  readonly workdir: string;
  readonly env: Record<string, string>;
  readonly user?: string;
  readonly cmd?: string[];
  readonly healthcheck?: { flags: Record<string, string>; command: string[] };
  readonly exposed: string[];
  /** Every RUN line of every stage, as written. */
  readonly runLines: string[];
}

export class DockerStepFailedError extends Error {
  override readonly name = 'DockerStepFailedError';
}

interface StageState {
  readonly root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  cmd?: string[];
  healthcheck?: { flags: Record<string, string>; command: string[] };
  exposed: string[];
}

/**
 * Executes a Dockerfile's stages outside Docker: each stage gets a folder standing for its
 * filesystem root; COPY copies from the build context (or, with --from, from an earlier
 * stage's folder); RUN runs through `/bin/sh -c` in the stage's WORKDIR with its ENV, using
 * this machine's node and npm instead of the base image's. Instructions it cannot honour
 * fail the check rather than being skipped.
 */
export function simulateImageBuild(
  stages: readonly DockerStage[],
  contextDir: string,
  workRoot: string,
  log: (line: string) => void,
): SimulatedImage {
  const done = new Map<string, StageState>();
  const runLines: string[] = [];
  let last: StageState | undefined;
  stages.forEach((stage, index) => {
    const state: StageState = { root: join(workRoot, `stage-${index}-${stage.name ?? 'final'}`), workdir: '/', env: {}, exposed: [] };
    mkdirSync(state.root, { recursive: true });
    for (const instruction of stage.instructions) {
      applyInstruction(instruction, state, { contextDir, done, log, runLines });
    }
    done.set(stage.name ?? String(index), state);
    done.set(String(index), state);
    last = state;
  });
  if (!last) throw new DockerStepFailedError('the Dockerfile has no stage');
  const final: StageState = last;
  return {
    root: final.root,
    workdir: hostPath(final, final.workdir),
    env: final.env,
    user: final.user,
    cmd: final.cmd,
    healthcheck: final.healthcheck,
    exposed: final.exposed,
    runLines,
  };
}

function hostPath(state: StageState, containerPath: string): string {
  const absolute = posix.isAbsolute(containerPath) ? containerPath : posix.join(state.workdir, containerPath);
  return join(state.root, posix.normalize(absolute));
}

interface SimulationContext {
  readonly contextDir: string;
  readonly done: Map<string, StageState>;
  readonly log: (line: string) => void;
  readonly runLines: string[];
}

function applyInstruction(instruction: DockerInstruction, state: StageState, ctx: SimulationContext): void {
  const where = `Dockerfile line ${instruction.line}`;
  switch (instruction.keyword) {
    case 'WORKDIR':
      state.workdir = posix.isAbsolute(instruction.args) ? instruction.args : posix.join(state.workdir, instruction.args);
      mkdirSync(hostPath(state, state.workdir), { recursive: true });
      return;
    case 'ENV':
      Object.assign(state.env, envPairs(instruction.args));
      return;
    case 'COPY':
      return copy(instruction, state, ctx, where);
    case 'RUN':
      return run(instruction, state, ctx, where);
    case 'USER':
      state.user = instruction.args.trim();
      return;
    case 'EXPOSE':
      state.exposed.push(...instruction.args.trim().split(/\s+/));
      return;
    case 'CMD':
      state.cmd = commandWords(instruction.args);
      return;
    case 'HEALTHCHECK': {
      const { flags, rest } = splitFlags(instruction.args);
      const match = /^CMD\s+(.*)$/s.exec(rest);
      if (!match) throw new DockerStepFailedError(`${where}: HEALTHCHECK must be "HEALTHCHECK [options] CMD ..."`);
      state.healthcheck = { flags, command: commandWords(match[1]) };
      return;
    }
    case 'LABEL':
      return;
    default:
      // ENTRYPOINT, ADD, ARG substitutions, SHELL, VOLUME...: not simulated, so not allowed.
      throw new DockerStepFailedError(`${where}: the check does not know how to run ${instruction.keyword}; extend deploy/scripts/dockerfile`);
  }
}

function copy(instruction: DockerInstruction, state: StageState, ctx: SimulationContext, where: string): void {
  const { flags, rest } = splitFlags(instruction.args);
  const words = rest.trim().startsWith('[') ? commandWords(rest) : rest.trim().split(/\s+/);
  if (words.length < 2) throw new DockerStepFailedError(`${where}: COPY needs a source and a destination`);
  const dest = words[words.length - 1];
  const sources = words.slice(0, -1);
  const from = flags.from;
  const source = from ? ctx.done.get(from) : undefined;
  if (from && !source) throw new DockerStepFailedError(`${where}: COPY --from=${from}: no such earlier stage`);
  const destIsDir = dest.endsWith('/') || dest === '.' || sources.length > 1;
  const destHost = hostPath(state, dest);
  for (const src of sources) {
    if (isAbsolute(src) && !source) throw new DockerStepFailedError(`${where}: COPY ${src}: sources come from the build context`);
    const srcHost = source ? hostPath(source, src) : join(ctx.contextDir, src);
    const target = destIsDir && !['.', './'].includes(src) ? join(destHost, basename(src)) : destHost;
    try {
      cpSync(srcHost, target, { recursive: true, verbatimSymlinks: true, errorOnExist: false, force: true });
    } catch (error) {
      throw new DockerStepFailedError(`${where}: COPY ${src}: ${(error as Error).message}`);
    }
  }
  ctx.log(`COPY ${instruction.args}`);
}

function run(instruction: DockerInstruction, state: StageState, ctx: SimulationContext, where: string): void {
  const { rest } = splitFlags(instruction.args); // e.g. --mount=type=cache: a Docker cache only
  const [command, ...args] = commandWords(rest);
  ctx.runLines.push(rest);
  const started = Date.now();
  ctx.log(`RUN ${rest}`);
  const result = spawnSync(command, args, {
    cwd: hostPath(state, state.workdir),
    env: { ...process.env, ...state.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.error) throw new DockerStepFailedError(`${where}: RUN ${rest}: ${result.error.message}`);
  if (result.status !== 0) throw new DockerStepFailedError(`${where}: RUN ${rest} exited with ${result.status ?? result.signal}`);
  ctx.log(`    done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
