import type { ChildProcess } from 'node:child_process';

const GRACE_MS = 5_000;

/**
 * Asks a child to stop (SIGTERM, or a disconnect for IPC children that exit on it), waits for
 * its exit, and kills it if it is still there after a grace period.
 */
export async function stopChild(child: ChildProcess, how: 'sigterm' | 'disconnect'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
  if (how === 'disconnect' && child.connected) child.disconnect();
  else child.kill('SIGTERM');
  await exited;
  clearTimeout(killTimer);
}
