import { ChildServerProcess } from './child-server.process';
import { CognitoStoreDamagedError } from './cognito-store-damaged.error';
import { LOCAL_HOST, portInUse } from './ports';

/**
 * cognito-local as a child process (it has no in-process API worth depending on, and it keeps
 * its store relative to its working directory), through a tiny wrapper that exits when its
 * stdin closes.
 *
 * Starts it in `workDir` on 127.0.0.1:`port` and resolves once it listens. Rejects with
 * {@link CognitoStoreDamagedError} or a PortInUseError when it exits early.
 */
export function startCognitoLocal(workDir: string, port: number): Promise<ChildServerProcess> {
  const entry = require.resolve('cognito-local/lib/bin/start.js');
  const wrapper = [
    "process.stdin.on('end', () => process.exit(0));",
    "process.stdin.on('error', () => process.exit(0));",
    'process.stdin.resume();',
    `require(${JSON.stringify(entry)});`,
  ].join('');
  return ChildServerProcess.start({
    name: 'cognito-local',
    command: process.execPath,
    args: ['-e', wrapper],
    cwd: workDir,
    env: {
      ...process.env,
      HOST: LOCAL_HOST,
      PORT: String(port),
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
      NO_COLOR: '1',
    },
    port,
    ready: /Cognito Local running on/,
    startDeadlineMs: 20_000,
    earlyExitError: (code, output) => {
      if (/Failed to load StormDB database file/.test(output)) {
        return new CognitoStoreDamagedError('cognito-local could not load its store (Failed to load StormDB database file)');
      }
      if (/EADDRINUSE/.test(output)) return portInUse(port, 'cognito');
      return new Error(`cognito-local exited with code ${code} before it was ready:\n${output}`);
    },
  });
}
