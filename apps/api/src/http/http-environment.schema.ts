import { z } from 'zod';
import { EnvironmentValidationError } from '@lib/config';

/** The api's HTTP-level variables (CORS, server timeouts, the connection cap), spread into its environment schema. */
export const httpEnvironmentShape = {
  // Origins a browser client on another origin may call the api from, comma-separated
  // (e.g. https://app.example.com). Empty: no CORS headers at all (the page at `/` is same-origin).
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be origins like https://app.example.com (scheme and host, no path)'))),
  // A whole request, body included, must arrive within this (a 100 MiB upload at 1 MB/s takes
  // 100 s); larger or slower clients use the presigned flow. Checked every second.
  HTTP_REQUEST_TIMEOUT_S: z.coerce.number().int().min(1).max(3600).default(300),
  // The request head must arrive within this (a slowloris client holds a socket no longer).
  // Kept above the keep-alive timeout: Node counts it on a kept-alive socket too, and a lower
  // value makes it close sockets a load balancer still reuses (nodejs/node#27363: 502s).
  HTTP_HEADERS_TIMEOUT_S: z.coerce.number().int().min(1).max(3601).default(66),
  // An idle keep-alive connection is closed after this; above a load balancer's idle timeout
  // (ALB: 60 s) so that the balancer, not the api, closes it and never reuses a closing socket.
  HTTP_KEEP_ALIVE_TIMEOUT_S: z.coerce.number().int().min(1).max(3600).default(65),
  // Proxies in front of the api whose X-Forwarded-For is believed (Express' `trust proxy` hop
  // count): 1 behind an ALB, so anonymous clients are told apart by their own address instead
  // of all sharing the balancer's. 0 (default): the socket's address, and X-Forwarded-For,
  // which any client can forge, is ignored.
  HTTP_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  // Open connections at once; Node closes any further one as it arrives. Each holds a socket
  // and its buffers even when idle or sending a head slowly (until HTTP_HEADERS_TIMEOUT_S),
  // so the number is what bounds that memory.
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(2048),
};

export interface HttpConfig {
  corsAllowedOrigins: readonly string[];
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  trustedProxies: number;
  maxConnections: number;
}

/** @throws EnvironmentValidationError when the head timeout is not above the keep-alive timeout */
export function httpConfigFrom(env: {
  CORS_ALLOWED_ORIGINS: string[];
  HTTP_REQUEST_TIMEOUT_S: number;
  HTTP_HEADERS_TIMEOUT_S: number;
  HTTP_KEEP_ALIVE_TIMEOUT_S: number;
  HTTP_TRUSTED_PROXIES: number;
  HTTP_MAX_CONNECTIONS: number;
}): HttpConfig {
  if (env.HTTP_HEADERS_TIMEOUT_S <= env.HTTP_KEEP_ALIVE_TIMEOUT_S) {
    throw new EnvironmentValidationError([
      `HTTP_HEADERS_TIMEOUT_S is ${env.HTTP_HEADERS_TIMEOUT_S}: must be above HTTP_KEEP_ALIVE_TIMEOUT_S (${env.HTTP_KEEP_ALIVE_TIMEOUT_S}), or kept-alive sockets close under the load balancer`,
    ]);
  }
  return {
    corsAllowedOrigins: env.CORS_ALLOWED_ORIGINS,
    requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_S * 1000,
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_S * 1000,
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_S * 1000,
    trustedProxies: env.HTTP_TRUSTED_PROXIES,
    maxConnections: env.HTTP_MAX_CONNECTIONS,
  };
}
