import type { LocalCloudOutputs } from '../../tools/local-cloud/local-cloud.outputs';

/** Child → parent messages of the local cloud process (bench-cloud.main.ts). */
export type BenchCloudMessage =
  | {
      type: 'ready';
      outputs: LocalCloudOutputs;
      /** A valid access token of the demo user, from a real password login. */
      accessToken: string;
    }
  | { type: 'failed'; message: string };
