import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '../../test-kit/wait-for';
import { freePort } from '../local-cloud/ports';

const REPO = resolve(__dirname, '..', '..');
/** tsc compiles each app before its first start: slow on a busy 2-core machine. */
const FIRST_START_MS = 240_000;
const RESTART_MS = 120_000;

/** The repository's tracked files (this working tree's state), with the installed node_modules linked in. */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'start-dev-'));
  execFileSync('sh', ['-c', `cd "${REPO}" && git ls-files -z --cached --others --exclude-standard | tar -cf - --null -T - 2>/dev/null | (cd "${dir}" && tar -xf -)`]);
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/**
 * `npm run start:dev` as a developer uses it: in a copy of the repository (so the source change
 * below never touches this checkout), the local cloud and both apps come up from their sources,
 * a saved change to a controller restarts the api with it, and Ctrl-C stops everything.
 */
describe('npm run start:dev', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(() => {
    dir = scratchCopy();
  });

  afterAll(() => {
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts the api on a source change, and Ctrl-C stops every process it started', async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      PORT: String(port),
      WORKER_HEALTH_PORT: String(workerPort),
      LOCAL_CLOUD_DIR: join(dir, '.local-cloud'),
      KINESIS_PORT: '0',
      S3_PORT: '0',
      DYNAMODB_PORT: '0',
      COGNITO_PORT: '0',
      NO_COLOR: '1',
    };
    // What `npm run start:dev` runs, without npm in between so the signal reaches it as Ctrl-C would.
    child = spawn(process.execPath, ['--import', 'tsx', 'tools/dev/start.ts', '--watch'], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const api = `http://127.0.0.1:${port}`;

    await waitFor(() => /Watching {3}/.test(output) || child!.exitCode !== null, { timeoutMs: FIRST_START_MS, intervalMs: 500, description: 'start:dev ready' }).catch((error: Error) => {
      throw new Error(`${error.message}; its output:\n${output.slice(-4000)}`);
    });
    expect(child.exitCode).toBeNull();
    expect(await status(`${api}/health`)).toBe(200);
    expect(await status(`${api}/health/dev-probe`)).toBe(404);

    // A new route in a controller, saved as an editor saves it.
    const controller = join(dir, 'apps/api/src/health/health.controller.ts');
    const source = readFileSync(controller, 'utf8');
    const probe = "  @Get('dev-probe')\n  devProbe(): { changed: true } {\n    return { changed: true };\n  }\n\n  /** Liveness";
    expect(source).toContain('  /** Liveness');
    writeFileSync(controller, source.replace('  /** Liveness', probe));
    const changedAt = performance.now();
    let answered = 0;
    await waitFor(async () => (answered = await status(`${api}/health/dev-probe`)) === 200, {
      timeoutMs: RESTART_MS,
      intervalMs: 250,
      description: 'the api restarted with the new route',
    }).catch((error: Error) => {
      throw new Error(`${error.message} (last status ${answered}); output:\n${output.slice(-4000)}`);
    });
    console.info(`start:dev: the api answered the new route ${Math.round(performance.now() - changedAt)} ms after the change`);

    const exited = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)));
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    // Nothing it started runs on: no process has the scratch copy in its command line.
    await waitFor(() => !execFileSync('ps', ['-eo', 'args']).toString('utf8').includes(dir), {
      timeoutMs: 20_000,
      description: `every process of ${dir} gone`,
    });
  }, FIRST_START_MS + RESTART_MS + 60_000);
});
