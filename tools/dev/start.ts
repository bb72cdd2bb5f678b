// `npm start [-- --reset] [--profile loopback|aws] [--seed <n>]`: the local cloud, the api and
// the worker side by side, each output line tagged. Ctrl-C stops everything; if one part dies, the others are stopped too.
// `npm run start:dev [-- --debug] [local cloud flags]` (this with --watch): the apps run from their
// sources under `nest start --watch` and restart on a change; --debug opens the api's inspector
// on a free port (cognito-local holds Node's default, 9229).
import { request } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOCAL_CLOUD_USAGE, parseLocalCloudArgs } from '../local-cloud/local-cloud.args';
import { localCloudDir, REPO_ROOT } from '../local-cloud/local-cloud.options';
import { readOutputs } from '../local-cloud/local-cloud.outputs';
import { freePort } from '../local-cloud/ports';
import { localAppEnvironment } from '../local-cloud/local-app.environment';
import { buildWebClient } from '../../apps/web-client/build-web-client';
import { mergeAppEnvironment } from './app-environment';
import { LOCAL_CLOUD_READY_LINE } from '../local-cloud/local-cloud.summary';
import { ChildGroup } from './child-group';
import { EXIT_WITH_PARENT_VARIABLE } from './exit-with-parent';
import { formatTag } from './line-prefixer';

const CLOUD_READY_DEADLINE_MS = 120_000;
const API_READY_DEADLINE_MS = 60_000;
/** Watch mode compiles each app with tsc first. */
const WATCHED_API_READY_DEADLINE_MS = 180_000;

const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const group = new ChildGroup({ colour, tagWidth: 8 });
const say = (line: string) => process.stdout.write(`${formatTag('start', 5, colour, 8)} ${line}\n`);

/**
 * The api streams large uploads; with V8's default young generation the socket chunks it has
 * finished with pile up until the next scavenge (+30 MiB for one 50 MiB upload). A 2 MiB semi
 * space halves that. The Dockerfile and the Lambda function set the same flag (NODE_OPTIONS).
 */
const API_NODE_FLAGS = ['--max-semi-space-size=2'];

/** Runs a TypeScript entry point of the tools in a plain node process, through tsx's loader. */
function tsNode(script: string, ...args: string[]): string[] {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  return ['--import', tsx, resolve(REPO_ROOT, script), ...args];
}

/** `nest start <app> --watch` in a plain node process (the CLI restarts the app on each rebuild). */
function nestWatch(app: string, debugPort?: number): string[] {
  const nest = require.resolve('@nestjs/cli/bin/nest.js');
  return [nest, 'start', app, '--watch', '--preserveWatchOutput', ...(debugPort === undefined ? [] : ['--debug', `127.0.0.1:${debugPort}`])];
}

async function main(allArgs: string[]): Promise<void> {
  // This script's own flags; the rest are the local cloud's, passed on to it.
  const watch = allArgs.includes('--watch');
  const debug = allArgs.includes('--debug');
  const args = allArgs.filter((arg) => arg !== '--watch' && arg !== '--debug');
  if (debug && !watch) {
    console.error('--debug is for npm run start:dev');
    process.exit(2);
  }
  // The local cloud's own flags, checked here so a typo stops at once; they are passed on to it.
  try {
    if (parseLocalCloudArgs(args).resetOnly) throw new Error('--reset-only is for npm run local-cloud');
  } catch (error) {
    console.error(`${(error as Error).message} (npm start -- ${LOCAL_CLOUD_USAGE.replace(' | --reset-only', '')})`);
    process.exit(2);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [EXIT_WITH_PARENT_VARIABLE]: '1',
    // Readable lines in a terminal; deployed apps keep the JSON default.
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
    // EMF lines are for CloudWatch; in a terminal they are noise between the log lines.
    METRICS_ENABLED: process.env.METRICS_ENABLED ?? 'false',
    // Children write to our pipes, not a terminal: tell their loggers what we will do.
    ...(colour ? { FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } : { NO_COLOR: '1' }),
  };
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) {
      group.killAll();
      process.exit(130);
    }
    stopping = true;
    await group.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  group.onUnexpectedExit((child, code, signal) => {
    say(`${child.tag} exited (${signal ?? `code ${code}`}); stopping the others`);
    void stop(code || 1);
  });

  let cloudReady!: () => void;
  const ready = new Promise<void>((r) => (cloudReady = r));
  // s3rver needs the legacy provider for truncated listings (continuation tokens use DES).
  group.spawn('cloud', ['--openssl-legacy-provider', ...tsNode('tools/local-cloud/main.ts', ...args)], env, (line) => {
    if (line.trim() === LOCAL_CLOUD_READY_LINE) cloudReady();
  });
  await deadline(ready, CLOUD_READY_DEADLINE_MS, 'the local cloud to be ready');

  let debugPort: number | undefined;
  if (watch) {
    // From the sources: the page once (esbuild, fast), each app under nest's watcher with the
    // local cloud's environment (run-app.ts does the same for the compiled apps).
    await buildWebClient();
    const outputs = readOutputs(localCloudDir());
    if (!outputs) throw new Error('the local cloud is ready but wrote no outputs');
    const { env: appEnv, overridden } = mergeAppEnvironment(localAppEnvironment(outputs), env);
    if (overridden.length > 0) say(`your environment overrides the local cloud's ${overridden.join(', ')}`);
    debugPort = debug ? await freePort() : undefined;
    group.spawn('api', nestWatch('api', debugPort), appEnv);
    group.spawn('worker', nestWatch('worker'), appEnv);
  } else {
    group.spawn('api', [...API_NODE_FLAGS, ...tsNode('tools/dev/run-app.ts', 'api')], env);
    group.spawn('worker', tsNode('tools/dev/run-app.ts', 'worker'), env);
  }

  const port = process.env.PORT ?? '3000';
  const apiUrl = `http://127.0.0.1:${port}`;
  const apiUp = await waitForHttp(apiUrl, watch ? WATCHED_API_READY_DEADLINE_MS : API_READY_DEADLINE_MS, () => stopping);
  if (stopping) return;
  const outputs = readOutputs(localCloudDir());
  const lines = [
    '─'.repeat(60),
    apiUp ? `API        ${apiUrl}   (OpenAPI: ${apiUrl}/docs)` : `API        ${apiUrl}   (not answering yet: see the [api] lines)`,
    // localhost, not 127.0.0.1: the app client's registered callback is http://localhost:<port>/.
    `Web page   http://localhost:${port}/   (sign in as the demo user, upload, download)`,
    `Demo user  ${outputs?.demoUser.username} / ${outputs?.demoUser.password}`,
    'Token      npm run -s token',
    ...(watch ? ['Watching   a saved change under apps/ or libs/ rebuilds and restarts that app'] : []),
    ...(debugPort === undefined ? [] : [`Debugger   api inspector on 127.0.0.1:${debugPort} (chrome://inspect, or your editor: attach to that port)`]),
    `Try        curl -i -X POST ${apiUrl}/uploads -H "Authorization: Bearer $(npm run -s token)" -H 'Content-Type: text/plain' --data-binary 'hello'`,
    'Ctrl-C stops everything; the data stays in .local-cloud/ (npm start -- --reset wipes it).',
    '─'.repeat(60),
  ];
  for (const line of lines) say(line);
}

function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls until something answers HTTP at `url` (any status), or the deadline passes. */
async function waitForHttp(url: string, ms: number, cancelled: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until && !cancelled()) {
    const answered = await new Promise<boolean>((done) => {
      const req = request(`${url}/health`, { timeout: 1_000 }, (res) => {
        res.resume();
        done(true);
      });
      req.on('error', () => done(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (answered) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

main(process.argv.slice(2)).catch(async (error: Error) => {
  say(error.message);
  await group.stopAll();
  process.exit(1);
});
