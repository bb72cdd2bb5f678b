import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ChildServerProcess } from './child-server.process';
import { LOCAL_HOST, portInUse } from './ports';

/** What to run where redis-server is missing (Debian's package; Valkey is not in bookworm). */
export const REDIS_INSTALL_COMMAND = 'sudo apt-get install -y redis-server';

/** The one line said where redis-server is missing: what that means and how to fix it. */
export const REDIS_MISSING_WARNING =
  `redis-server is not installed: the api's rate limits stay per process (each api counts alone). ` +
  `Install it to share them like ElastiCache does: ${REDIS_INSTALL_COMMAND}`;

/**
 * The stdin watchdog around redis-server (it has no "exit with my parent" option): the
 * server runs in the background; when our end of the pipe closes (the local cloud stopped,
 * or was killed) or a SIGTERM arrives, it is stopped, and the wrapper exits after it.
 */
const WATCHDOG = [
  'exec 3<&0',
  'redis-server "$@" </dev/null & server=$!',
  '{ cat <&3 >/dev/null; kill $server 2>/dev/null; } &',
  "trap 'kill $server 2>/dev/null' TERM INT",
  'wait $server',
  'wait $server',
].join('\n');

/** The redis-server on PATH, or undefined when it is not installed. */
export function findRedisServer(path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/**
 * redis-server on 127.0.0.1:`port` as a child process, for the api's shared rate-limit
 * buckets (the local stand-in for ElastiCache). Nothing is persisted: a bucket lives for
 * seconds, and a restart that forgets them only hands everyone a full bucket.
 */
export function startRedisServer(port: number, workDir: string, moreArgs: string[] = []): Promise<ChildServerProcess> {
  return ChildServerProcess.start({
    name: 'redis-server',
    command: 'sh',
    args: [
      '-c',
      WATCHDOG,
      'redis-server',
      '--port', String(port),
      '--bind', LOCAL_HOST,
      '--save', '',
      '--appendonly', 'no',
      '--dir', workDir,
      '--daemonize', 'no',
      // notice: the level that prints the ready line (a few lines at start, then quiet).
      '--loglevel', 'notice',
      // Tests: a cluster-mode server (the protocol ElastiCache Serverless speaks).
      ...moreArgs,
    ],
    port,
    ready: /Ready to accept connections/,
    startDeadlineMs: 10_000,
    earlyExitError: (code, output) => {
      if (/Address already in use/.test(output)) return portInUse(port, 'redis');
      return new Error(`redis-server exited with code ${code} before it was ready:\n${output}`);
    },
  });
}
