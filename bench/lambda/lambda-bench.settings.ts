import { join } from 'node:path';
import { REPO_ROOT } from '../../tools/local-cloud/local-cloud.options';

export interface LambdaBenchSettings {
  /** Fresh processes per subject (≥ 15 for a result worth reporting). */
  runs: number;
  /** Where lambda.json and lambda.md go. */
  out: string;
  /** Use the bundles already in dist/ instead of building them (quicker iterations). */
  skipBuild: boolean;
  /** Write a V8 CPU profile of every measured process into this folder (slows them down: not for results). */
  cpuProfileDir?: string;
  /** Measure only these subjects (e.g. `api,api-unoptimised`), for quicker iterations. */
  only?: string[];
  /** Also measure the api without each optimisation in turn (one bundle per optimisation). */
  ablation: boolean;
}

const usage = 'usage: bench/lambda/main.ts [--runs N] [--out DIR] [--skip-build] [--cpu-prof DIR] [--only SUBJECT,...] [--ablation]';

export function settingsFromArgs(args: readonly string[] = process.argv.slice(2)): LambdaBenchSettings {
  const settings: LambdaBenchSettings = { runs: 15, out: join(REPO_ROOT, 'bench', 'results'), skipBuild: false, ablation: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--runs') settings.runs = Number(args[++i]);
    else if (arg === '--out') settings.out = args[++i];
    else if (arg === '--skip-build') settings.skipBuild = true;
    else if (arg === '--cpu-prof') settings.cpuProfileDir = args[++i];
    else if (arg === '--only') settings.only = args[++i].split(',');
    else if (arg === '--ablation') settings.ablation = true;
    else throw new Error(`unknown argument ${arg}\n${usage}`);
  }
  if (!Number.isInteger(settings.runs) || settings.runs < 1) throw new Error(`--runs must be a positive integer\n${usage}`);
  return settings;
}
