import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { bearer, createTestUser, e2eEnvironment, registerCallbackUrl, waitFor, type TestUser } from '../../../../test-kit';
import { createStream, localS3Client } from '../../../../test-kit/aws';
import { createLocalCognitoClient } from '../../../../tools/local-cloud';
import { HEADLESS_CHROMIUM_ARGS, planBrowserTest } from '../../../../tools/browser/chromium';
import { buildWebClient } from '../../../web-client/build-web-client';
import { createWorkerApp } from '../../../worker/src/create-worker-app';
import { WorkerModule } from '../../../worker/src/worker.module';

const MiB = 1024 * 1024;
/**
 * The page after a successful upload, above the uploads made earlier. The README shows the committed one; the test rewrites
 * it only when asked (UPDATE_SCREENSHOT=1), since its file keys change on every run.
 */
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOT === '1'
    ? resolve(__dirname, '..', '..', '..', '..', 'docs', 'screenshots', 'upload-page.png')
    : join(tmpdir(), `upload-page-${process.pid}.png`);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Uploaded through the api before the page is opened: one more than the page lists at first. */
const EARLIER = Array.from({ length: 26 }, (_, i) => `earlier-${String(i + 1).padStart(2, '0')}.txt`);

const plan = planBrowserTest();

/**
 * The upload page as a person uses it, in Debian's Chromium (headless, driven by
 * playwright-core): sign in on the local hosted UI, see the uploads made before (25, then "Load
 * more"), upload a text file and a 5 MiB binary (the api stages it in S3), see both stored,
 * download one back, delete an earlier one. The page comes from the same build
 * step as `npm run build`; the api, a worker and the local cloud are the real ones.
 */
if (!plan.run && plan.fail) {
  describe('upload page in Chromium', () => {
    it('needs Chromium (CI=true: a missing browser is a failure)', () => {
      throw new Error(plan.reason);
    });
  });
} else {
  if (!plan.run) console.warn(`SKIPPED upload page in Chromium: ${plan.reason}`);
  (plan.run ? describe : describe.skip)('upload page in Chromium', () => {
    jest.setTimeout(120_000);
    const env = e2eEnvironment();
    const streamName = `browser-${randomUUID().slice(0, 8)}`;
    const cleanups: Array<() => Promise<unknown>> = [];
    let api: INestApplication;
    let cognito: CognitoIdentityProviderClient;
    let s3: S3Client;
    let pageUrl: string;
    let context: BrowserContext;
    let page: Page;
    /** A user of this test alone: other suites' uploads never show in its list. */
    let user: TestUser;
    /** Console errors and uncaught exceptions: a CSP violation shows up here. */
    const browserErrors: string[] = [];

    const text = Buffer.from(`Hello from the browser test ${randomUUID()}\n`.repeat(20));
    const binary = randomBytes(5 * MiB);

    async function startApi(overrides: Record<string, string>): Promise<INestApplication> {
      Object.assign(process.env, overrides);
      // Imported after the environment is set: the api reads it when the module compiles.
      const { AppModule } = await import('../../src/app.module');
      const { configureApp } = await import('../../src/configure-app');
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
      const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
      configureApp(app);
      await app.listen(0, '127.0.0.1');
      return app;
    }

    /** Signs in on the hosted UI from the page, and waits until the page has listed the uploads. */
    async function signIn(): Promise<void> {
      await page.getByRole('button', { name: 'Sign in' }).click();
      // cognito-local's hosted login form, on its own origin.
      await page.waitForURL((url) => url.origin === new URL(env.endpoints.cognito).origin && url.pathname === '/oauth2/authorize');
      expect(new URL(page.url()).searchParams.get('code_challenge_method')).toBe('S256');
      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Signed in as ${user.username}`).waitFor({ timeout: 15_000 });
      await page.locator('li.upload').first().waitFor({ timeout: 15_000 });
    }

    /** The ids the api lists for the user (every page). */
    async function listedIds(): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const url = new URL('/uploads', pageUrl);
        url.searchParams.set('limit', '100');
        if (cursor !== null) url.searchParams.set('cursor', cursor);
        const response = await fetch(url, { headers: { Authorization: bearer(user) } });
        const body = (await response.json()) as { items: Array<{ id: string }>; next: string | null };
        ids.push(...body.items.map((item) => item.id));
        cursor = body.next;
      } while (cursor !== null);
      return ids;
    }

    /** The row of one file in the page's list of uploads. */
    const row = (name: string): Locator => page.locator('li.upload').filter({ hasText: name });

    /** Waits for a row to reach `state`; a row that ends in an error fails at once with its words. */
    async function waitForState(name: string, state: string, timeoutMs: number): Promise<void> {
      await waitFor(
        async () => {
          const current = await row(name).getAttribute('data-state', { timeout: 1_000 });
          if (current === 'error' || current === 'failed') {
            throw new Error(`${name} ended as ${current}: ${await row(name).locator('.upload-state').textContent()}`);
          }
          return current === state;
        },
        { timeoutMs, intervalMs: 200, description: `${name} to be ${state} on the page` },
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}\npage text: ${await page.locator('main').innerText()}`);
      });
    }

    beforeAll(async () => {
      const assetsDir = await mkdtemp(join(tmpdir(), 'web-client-'));
      cleanups.push(() => rm(assetsDir, { recursive: true, force: true }));
      await buildWebClient(assetsDir);
      await createStream(env, streamName, 2);
      const worker = await createWorkerApp(
        WorkerModule.forRoot({ environment: { KINESIS_STREAM_NAME: streamName, WORKER_HEALTH_PORT: '0', HOST: '127.0.0.1' } }),
        { shutdownHooks: false, logger: ['error', 'warn'] },
      );
      cleanups.push(() => worker.close());
      api = await startApi({
        KINESIS_STREAM_NAME: streamName,
        WEB_ASSETS_DIR: assetsDir,
        COGNITO_DOMAIN: env.endpoints.cognito,
      });
      cleanups.push(() => api.close());
      // localhost, as a person types it (and as the seeded client registers port 3000).
      pageUrl = `${(await api.getUrl()).replace(/\/\/(\[::1\]|127\.0\.0\.1)/, '//localhost')}/`;

      cognito = createLocalCognitoClient(env.endpoints.cognito);
      cleanups.push(async () => cognito.destroy());
      await registerCallbackUrl(cognito, env.userPoolId, env.clientIds[0], pageUrl);
      s3 = localS3Client(env);
      cleanups.push(async () => s3.destroy());

      // Uploads made before the page is opened, one after another (the list is newest first).
      user = await createTestUser();
      for (const name of EARLIER) {
        const response = await fetch(new URL(`/uploads?filename=${name}`, pageUrl), {
          method: 'POST',
          headers: { Authorization: bearer(user), 'Content-Type': 'text/plain' },
          body: `${name}: uploaded before signing in\n`,
        });
        expect(response.status).toBe(202);
      }

      const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
      cleanups.push(() => rm(profile, { recursive: true, force: true }));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: plan.run ? plan.executablePath : undefined,
        headless: true,
        args: HEADLESS_CHROMIUM_ARGS,
        viewport: { width: 900, height: 620 },
        acceptDownloads: true,
      });
      cleanups.push(() => context.close());
      page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (message) => {
        // Errors of the page (CSP violations, failed loads), not of cognito-local's login form.
        const origin = message.location().url ? new URL(message.location().url).origin : new URL(page.url()).origin;
        if (message.type() === 'error' && origin === new URL(pageUrl).origin) {
          browserErrors.push(`console: ${message.text()} (${message.location().url})`);
        }
      });
      page.on('pageerror', (error) => browserErrors.push(`uncaught: ${error.message}`));
    });

    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    });

    it('serves the page with a strict Content-Security-Policy and its sign-in settings', async () => {
      const response = await fetch(pageUrl);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`connect-src 'self' ${new URL(env.endpoints.cognito).origin}`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      const config = (await (await fetch(new URL('/web-config.json', pageUrl))).json()) as { auth: Record<string, unknown> | null };
      expect(config.auth).toMatchObject({ clientId: env.clientIds[0], tokenUrl: `${env.endpoints.cognito}/oauth2/token` });
      expect((await fetch(new URL('/assets/../package.json', pageUrl))).status).toBe(404);
    });

    it('signs the user in through the hosted UI (code + PKCE) and back on the page', async () => {
      await page.goto(pageUrl);
      await signIn();
      // The one-time code is gone from the address bar and history.
      expect(page.url()).toBe(pageUrl);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
    });

    it('lists the uploads made before signing in, newest first, 25 and then the rest on "Load more"', async () => {
      const names = async () => page.locator('li.upload .upload-name').allTextContents();
      expect(await names()).toEqual(EARLIER.slice(1).reverse());
      await page.getByRole('button', { name: 'Load more' }).click();
      await waitFor(async () => (await names()).length === EARLIER.length, { description: 'the 26th upload after Load more' });
      expect(await names()).toEqual([...EARLIER].reverse());
      await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'hidden' });
      // Listed as pending or stored, each row follows its upload until the worker stored it.
      for (const name of [EARLIER[0], EARLIER.at(-1)!]) await waitForState(name, 'stored', 30_000);
    });

    it('uploads a text file and a 5 MiB binary, shows their file keys and sees both stored', async () => {
      await page.getByLabel('Choose one or more files').setInputFiles([
        { name: 'notes.txt', mimeType: 'text/plain', buffer: text },
        { name: 'random.bin', mimeType: 'application/octet-stream', buffer: binary },
      ]);
      await waitForState('notes.txt', 'stored', 30_000);
      await waitForState('random.bin', 'stored', 60_000);

      // The keys the 202s gave, shown on the page, hold exactly the uploaded bytes.
      for (const [name, bytes, extension] of [
        ['notes.txt', text, 'txt'],
        ['random.bin', binary, 'bin'],
      ] as const) {
        const shown = await row(name).locator('.upload-key').textContent();
        const key = /uploads\/[0-9a-f-]{36}\.\w+/.exec(shown ?? '')?.[0];
        expect(key).toMatch(new RegExp(`^uploads/[0-9a-f-]{36}\\.${extension}$`));
        const object = await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
        expect(sha256(Buffer.from(await object.Body!.transformToByteArray()))).toBe(sha256(bytes));
      }
      await expect(page.getByRole('status').textContent()).resolves.toMatch(/is stored/);
    });

    it('downloads the 5 MiB file back with identical bytes', async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download random.bin' }).click()]);
      expect(download.suggestedFilename()).toBe('random.bin');
      const bytes = await readFile((await download.path())!);
      expect(bytes.length).toBe(binary.length);
      expect(sha256(bytes)).toBe(sha256(binary));
    });

    it('keeps the tokens in memory only, and the page broke no CSP rule', async () => {
      // An expression, not a function: this file is type-checked without the DOM's globals.
      const storage = await page.evaluate('({ local: Object.keys(localStorage), session: Object.keys(sessionStorage) })');
      expect(storage).toEqual({ local: [], session: [] });
      expect(await context.cookies(pageUrl)).toEqual([]);
      expect(browserErrors).toEqual([]);

      await mkdir(dirname(SCREENSHOT), { recursive: true });
      // From the top of the page: the new uploads above the earlier ones.
      await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 900, height: 1_150 } });
      expect((await stat(SCREENSHOT)).size).toBeGreaterThan(1_000);
    });

    it('deletes an earlier upload only once confirmed, and it stays gone after a reload and a new sign-in', async () => {
      const victim = EARLIER[EARLIER.length - 2];
      await waitForState(victim, 'stored', 30_000);
      const id = /uploads\/([0-9a-f-]{36})\./.exec((await row(victim).locator('.upload-key').textContent()) ?? '')![1];

      page.once('dialog', (dialog) => void dialog.dismiss());
      await row(victim).getByRole('button', { name: `Delete ${victim}` }).click();
      expect(await row(victim).count()).toBe(1);

      page.once('dialog', (dialog) => {
        expect(dialog.message()).toBe(`Delete ${victim}? This cannot be undone.`);
        void dialog.accept();
      });
      await row(victim).getByRole('button', { name: `Delete ${victim}` }).click();
      await row(victim).waitFor({ state: 'detached' });
      await waitFor(async () => !(await listedIds()).includes(id), { timeoutMs: 20_000, description: `${victim} gone from GET /uploads` });

      // Tokens live in memory only: a reload signs out, and the list comes from the api again.
      await page.reload();
      await signIn();
      await row(EARLIER.at(-1)!).waitFor();
      expect(await row(victim).count()).toBe(0);
    });

    it('refuses an empty file in plain words, without offering a pointless retry', async () => {
      await page.getByLabel('Choose one or more files').setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) });
      await waitFor(async () => (await row('empty.txt').getAttribute('data-state')) === 'error', { description: 'empty.txt to be refused' });
      expect(await row('empty.txt').locator('.upload-state').textContent()).toBe('This file is empty: there is nothing to upload.');
      expect(await row('empty.txt').getByRole('button', { name: 'Retry empty.txt' }).isVisible()).toBe(false);
    });

    it('signs out: the upload controls go away and the page offers to sign in again', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await page.getByLabel('Choose one or more files').isVisible()).toBe(false);
    });
  });
}
