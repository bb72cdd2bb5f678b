import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { apiConfigFrom, apiEnvironmentSchema, DEFAULT_JWKS_MAX_AGE_S, DEFAULT_JWKS_REMOVAL_GRACE_S } from '../config';
import { CognitoSigningKeyStore } from './cognito-signing-key.store';
import { InvalidTokenError } from './invalid-token.error';
import { SigningKeysUnavailableError } from './signing-keys-unavailable.error';

/** A JWKS endpoint on 127.0.0.1 that counts its hits and can be switched to failing. */
class CountingJwks {
  hits = 0;
  up = true;
  /** While set, every response waits for it: a slow or hanging JWKS. */
  hold?: Promise<void>;
  readonly jwk = CountingJwks.jwk('k1');
  /** What the endpoint lists; default the one key `k1`. */
  served?: object[];

  static jwk(kid: string) {
    return { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  }
  private readonly server: Server = createServer(async (_req, res) => {
    this.hits += 1;
    await this.hold;
    res.statusCode = this.up ? 200 : 500;
    res.setHeader('content-type', 'application/json');
    res.end(this.up ? JSON.stringify({ keys: this.served ?? [this.jwk] }) : '{}');
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function storeFor(jwksUri: string, clock: { ms: number }): CognitoSigningKeyStore {
  const config = apiConfigFrom(
    apiEnvironmentSchema.parse({ COGNITO_USER_POOL_ID: 'us-east-1_Pool1', COGNITO_CLIENT_IDS: 'c', COGNITO_JWKS_URI: jwksUri }),
  );
  return new CognitoSigningKeyStore(config, () => clock.ms);
}

/** Polls `condition` until it holds, failing after a deadline (no fixed sleeps). */
async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const madeUpKids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('CognitoSigningKeyStore', () => {
  const jwks = new CountingJwks();
  let uri: string;

  beforeAll(async () => {
    uri = await jwks.start();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await jwks.stop();
  });

  beforeEach(() => {
    jwks.hits = 0;
    jwks.up = true;
    jwks.hold = undefined;
    jwks.served = undefined;
  });

  it('fetches once at start-up and answers known kids from memory', async () => {
    const store = storeFor(uri, { ms: 0 });
    await store.onApplicationBootstrap();
    expect(jwks.hits).toBe(1);
    await Promise.all(Array.from({ length: 20 }, () => store.keyFor('k1')));
    expect(jwks.hits).toBe(1);
  });

  it('spends one refetch per window on a flood of made-up kids, and valid kids keep working', async () => {
    const clock = { ms: 0 };
    const store = storeFor(uri, clock);
    await store.onApplicationBootstrap();

    // Inside the window of the start-up fetch: no refetch at all, refused at once.
    const flood = await Promise.allSettled([...madeUpKids(50, 'a').map((kid) => store.keyFor(kid)), store.keyFor('k1')]);
    expect(jwks.hits).toBe(1);
    expect(flood.at(-1)).toMatchObject({ status: 'fulfilled' });
    expect(flood.slice(0, -1).every((r) => r.status === 'rejected' && r.reason instanceof InvalidTokenError)).toBe(true);

    // A new window: the whole concurrent flood shares a single fetch.
    clock.ms = 10_000;
    const second = await Promise.allSettled([...madeUpKids(50, 'b').map((kid) => store.keyFor(kid)), store.keyFor('k1')]);
    expect(jwks.hits).toBe(2);
    expect(second.at(-1)).toMatchObject({ status: 'fulfilled' });

    // Sequential made-up kids later in the same window: still no fetch.
    clock.ms = 19_999;
    for (const kid of madeUpKids(20, 'c')) await expect(store.keyFor(kid)).rejects.toThrow(InvalidTokenError);
    expect(jwks.hits).toBe(2);
    expect(store.size).toBe(1);
  });

  it('never makes a known kid wait for a refetch in flight', async () => {
    const clock = { ms: 0 };
    const store = storeFor(uri, clock);
    await store.onApplicationBootstrap();
    let release!: () => void;
    jwks.hold = new Promise((resolve) => (release = resolve));
    clock.ms = 10_000;
    const unknown = store.keyFor('made-up').catch((e: unknown) => e);
    await waitUntil(() => jwks.hits === 2);
    // The refetch hangs; the known key is still answered at once.
    await expect(store.keyFor('k1')).resolves.toBeDefined();
    release();
    expect(await unknown).toBeInstanceOf(InvalidTokenError);
    expect(jwks.hits).toBe(2);
  });

  it('finds a rotated-in key with the refetch an unknown kid triggers', async () => {
    const clock = { ms: 0 };
    const store = storeFor(uri, clock);
    await store.onApplicationBootstrap();
    const original = jwks.jwk.kid;
    jwks.jwk.kid = 'k2';
    try {
      clock.ms = 10_000;
      await expect(store.keyFor('k2')).resolves.toBeDefined();
      // Added, not replaced: the old kid still works.
      await expect(store.keyFor('k1')).resolves.toBeDefined();
      expect(jwks.hits).toBe(2);
    } finally {
      jwks.jwk.kid = original;
    }
  });

  it('keeps serving cached keys while the JWKS is down', async () => {
    const clock = { ms: 0 };
    const store = storeFor(uri, clock);
    await store.onApplicationBootstrap();
    jwks.up = false;
    clock.ms = 10_000;
    await expect(store.keyFor('unknown')).rejects.toThrow(InvalidTokenError);
    await expect(store.keyFor('k1')).resolves.toBeDefined();
    expect(jwks.hits).toBe(2);
  });

  it('fails with SigningKeysUnavailableError while no key was ever loaded, then recovers', async () => {
    const clock = { ms: 0 };
    jwks.up = false;
    const store = storeFor(uri, clock);
    await store.onApplicationBootstrap();
    clock.ms = 3_000;
    const error = await store.keyFor('k1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SigningKeysUnavailableError);
    expect((error as SigningKeysUnavailableError).retryAfterSeconds).toBe(7);
    expect(jwks.hits).toBe(1);

    jwks.up = true;
    clock.ms = 10_000;
    await expect(store.keyFor('k1')).resolves.toBeDefined();
    expect(jwks.hits).toBe(2);
  });

  it('refreshes a stale copy in the background, never making a known kid wait', async () => {
    const clock = { ms: 0 };
    const store = storeFor(uri, clock);
    await store.onApplicationBootstrap();
    clock.ms = DEFAULT_JWKS_MAX_AGE_S * 1000 - 1;
    await store.keyFor('k1');
    expect(jwks.hits).toBe(1);
    clock.ms += 1;
    let release!: () => void;
    jwks.hold = new Promise((resolve) => (release = resolve));
    await expect(store.keyFor('k1')).resolves.toBeDefined();
    await waitUntil(() => jwks.hits === 2);
    release();
  });

  it('refuses a key the JWKS dropped once the grace period is over, and keeps the ones it lists', async () => {
    const clock = { ms: 0 };
    const store = storeFor(uri, clock);
    await store.onApplicationBootstrap();
    const rotatedIn = CountingJwks.jwk('k2');
    jwks.served = [rotatedIn];
    // The stale copy is refreshed: k1 is gone from the JWKS from now on.
    const droppedAt = DEFAULT_JWKS_MAX_AGE_S * 1000;
    clock.ms = droppedAt;
    await store.keyFor('k1');
    await waitUntil(() => jwks.hits === 2);
    await expect(store.keyFor('k2')).resolves.toBeDefined();
    // Tokens signed with k1 just before the rotation still pass during the grace period…
    clock.ms = droppedAt + DEFAULT_JWKS_REMOVAL_GRACE_S * 1000 - 1;
    await expect(store.keyFor('k1')).resolves.toBeDefined();
    // …and are refused after it.
    clock.ms = droppedAt + DEFAULT_JWKS_REMOVAL_GRACE_S * 1000;
    await expect(store.keyFor('k1')).rejects.toThrow(InvalidTokenError);
    await expect(store.keyFor('k2')).resolves.toBeDefined();
  });

  it('removes nothing while the JWKS cannot be read, however long', async () => {
    const clock = { ms: 0 };
    const store = storeFor(uri, clock);
    await store.onApplicationBootstrap();
    jwks.up = false;
    clock.ms = 10 * (DEFAULT_JWKS_MAX_AGE_S + DEFAULT_JWKS_REMOVAL_GRACE_S) * 1000;
    await expect(store.keyFor('k1')).resolves.toBeDefined();
    await waitUntil(() => jwks.hits === 2);
    clock.ms += DEFAULT_JWKS_REMOVAL_GRACE_S * 1000;
    await expect(store.keyFor('k1')).resolves.toBeDefined();
  });
});
