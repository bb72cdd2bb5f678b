import type { StandInMessage } from '../shared/stand-in.process';

/** What the benchmark's S3 process (s3-server.main.ts) tells once it listens. */
export interface S3ServerReady {
  endpoint: string;
}

/** Child → parent messages of the benchmark's S3 process. */
export type S3ServerMessage = StandInMessage<S3ServerReady>;
