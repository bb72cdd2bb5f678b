import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { SharedBucketStore } from './rate-limit-environment.schema';
import { TAKE_TOKEN_SCRIPT } from './token-bucket.redis-script';

/** How long a (re)connection may take before the attempt counts as failed. */
const CONNECT_TIMEOUT_MS = 1_000;
/** Reconnection backoff: 100 ms, 200 ms, … up to 2 s, forever (the api never gives up on the store). */
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 2_000);

/** A Valkey/Redis client that runs the token-bucket script (one EVALSHA round trip per call). */
export type TokenBucketClient = (Redis | Cluster) & {
  takeToken(key: string, capacity: number, fillMs: number): Promise<[taken: number, tokensLeft: string]>;
};

/**
 * A client that fails fast rather than queueing: no offline queue (a command while
 * disconnected is refused at once), no resend of commands cut off by a disconnect, and a
 * per-command timeout. A request then falls back to the in-process bucket immediately
 * instead of waiting for a store that is not there.
 */
export function createTokenBucketClient(store: SharedBucketStore): TokenBucketClient {
  const url = new URL(store.url);
  const connection: RedisOptions = {
    commandTimeout: store.timeoutMs,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    // rediss:// (ElastiCache always encrypts in transit): TLS with the system's CAs.
    ...(url.protocol === 'rediss:' ? { tls: { servername: url.hostname } } : {}),
  };
  const host = url.hostname;
  const port = Number(url.port || 6379);
  const client = store.cluster
    ? new Cluster([{ host, port }], {
        enableOfflineQueue: false,
        clusterRetryStrategy: reconnectDelay,
        // ElastiCache's nodes present certificates for the cache's DNS name, not for the
        // addresses CLUSTER SLOTS returns: keep connecting by name.
        dnsLookup: (address, callback) => callback(null, address),
        redisOptions: connection,
      })
    : new Redis({ ...connection, host, port, db: Number(url.pathname.slice(1) || 0), enableOfflineQueue: false, retryStrategy: reconnectDelay });
  client.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_SCRIPT });
  return client as TokenBucketClient;
}
