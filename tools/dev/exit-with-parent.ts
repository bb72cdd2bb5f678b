/** Set by `npm start` on its children: their stdin is a pipe from it. */
export const EXIT_WITH_PARENT_VARIABLE = 'LOCAL_DEV_EXIT_WITH_PARENT';

/**
 * Calls `onParentGone` when the parent that set {@link EXIT_WITH_PARENT_VARIABLE} goes away
 * (its end of our stdin closes), so children of a killed `npm start` do not keep their ports.
 */
export function exitWithParent(onParentGone: () => void, env: NodeJS.ProcessEnv = process.env): void {
  if (env[EXIT_WITH_PARENT_VARIABLE] !== '1') return;
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    onParentGone();
  };
  process.stdin.on('end', once);
  process.stdin.on('close', once);
  process.stdin.on('error', once);
  process.stdin.resume();
  // Watching must not keep an otherwise finished process alive.
  (process.stdin as { unref?: () => void }).unref?.();
}
