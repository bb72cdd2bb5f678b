import { execFileSync } from 'node:child_process';

/** Which code "ours" was: the api changes between runs, and uncommitted changes count too. */
export interface SourceRevision {
  commit: string;
  /** Uncommitted changes under apps/ or libs/ when the bench ran (what it built is not the commit alone). */
  uncommittedChanges: boolean;
}

export function sourceRevision(repoRoot: string): SourceRevision | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedChanges: git('status', '--porcelain', '--', 'apps', 'libs') !== '' };
  } catch {
    return undefined; // not a git checkout (e.g. a Docker build context)
  }
}
