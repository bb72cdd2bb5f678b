import type { LocalCloudOutputs } from '../../tools/local-cloud/local-cloud.outputs';
import type { StandInMessage } from '../shared/stand-in.process';

/** What the local cloud process (bench-cloud.main.ts) tells once it is seeded. */
export interface BenchCloudReady {
  outputs: LocalCloudOutputs;
  /** A valid access token of the demo user, from a real password login. */
  accessToken: string;
  /** Access tokens of the users the parent asked for (`--users N`, the demo user first), one each. */
  accessTokens: string[];
}

/** Child → parent messages of the local cloud process. */
export type BenchCloudMessage = StandInMessage<BenchCloudReady>;
