import { API_NODE_OPTIONS, API_PORT } from './app-environment';

/**
 * One image, two commands. The Dockerfile's CMD is the api's; the ECS worker service
 * overrides it. `deploy/scripts/dockerfile-check.ts` fails when the Dockerfile's CMD or
 * HEALTHCHECK differs from these, so the image, the stacks and the check cannot drift apart.
 */
export const API_COMMAND = ['node', API_NODE_OPTIONS, 'dist/apps/api/apps/api/src/main.js'] as const;
export const WORKER_COMMAND = ['node', 'dist/apps/worker/apps/worker/src/main.js'] as const;

/**
 * Liveness probe of either app, run inside the container with the image's own Node (no curl
 * in a slim image): the api's /health on PORT, or the worker's on WORKER_HEALTH_PORT, chosen
 * by HEALTHCHECK_PORT.
 */
export const HEALTHCHECK_SCRIPT =
  `fetch('http://127.0.0.1:'+(process.env.HEALTHCHECK_PORT||${API_PORT})+'/health')` +
  '.then(r=>process.exit(r.ok?0:1),()=>process.exit(1))';
export const HEALTHCHECK_COMMAND = ['node', '-e', HEALTHCHECK_SCRIPT] as const;
