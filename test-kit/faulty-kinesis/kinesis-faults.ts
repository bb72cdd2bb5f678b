/** How a whole request fails when `requestFailureRate` picks it. */
export type RequestFailureKind =
  /** HTTP 400 `ProvisionedThroughputExceededException`, nothing written (what throttling looks like). */
  | 'throttle'
  /** HTTP 500 `InternalFailure`, nothing written. */
  | 'internal'
  /** The socket is destroyed before anything is forwarded: a network error, nothing written. */
  | 'disconnect'
  /**
   * Forwarded to kinesalite (so the records ARE written), then the socket is destroyed: the
   * caller cannot tell success from failure, the case that makes duplicates in at-least-once.
   */
  | 'lost-response';

import type { RecordErrorCode } from '../../tools/local-cloud/aws-profile/kinesis-errors';

export type { RecordErrorCode };

/** The faults the proxy injects; every field can be changed at run time with `configure`. */
export interface KinesisFaults {
  /**
   * 0..1: the share of records that fail. In a `PutRecords` call each record is picked on its
   * own; picked records are answered with a per-record error and never reach kinesalite. A
   * `PutRecord` picked this way fails as a whole with that error code (as Kinesis does for a
   * single record).
   */
  recordFailureRate: number;
  /** Relative weights of the per-record error codes. */
  recordErrorMix: Record<RecordErrorCode, number>;
  /** 0..1: the share of requests (see `requestFailureTargets`) that fail as a whole. */
  requestFailureRate: number;
  /** Relative weights of the ways a request fails. */
  requestFailureMix: Record<RequestFailureKind, number>;
  /** Which requests `requestFailureRate` applies to: writes (PutRecord/PutRecords) or every call. */
  requestFailureTargets: 'writes' | 'all';
  /** Kinesis unreachable: every connection is reset at once, open ones included, until false again. */
  down: boolean;
  /** Added before each forwarded request (a slow network or a busy service). */
  latencyMs: number;
}

export const NO_FAULTS: Readonly<KinesisFaults> = Object.freeze({
  recordFailureRate: 0,
  recordErrorMix: { ProvisionedThroughputExceededException: 1, InternalFailure: 1 },
  requestFailureRate: 0,
  requestFailureMix: { throttle: 2, internal: 1, disconnect: 1, 'lost-response': 0 },
  requestFailureTargets: 'writes',
  down: false,
  latencyMs: 0,
});

/** Merges a change into the current faults, refusing values that would make a test lie. */
export function applyFaults(current: KinesisFaults, change: Partial<KinesisFaults>): KinesisFaults {
  const next: KinesisFaults = {
    ...current,
    ...change,
    recordErrorMix: { ...current.recordErrorMix, ...change.recordErrorMix },
    requestFailureMix: { ...current.requestFailureMix, ...change.requestFailureMix },
  };
  for (const name of ['recordFailureRate', 'requestFailureRate'] as const) {
    const rate = next[name];
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${name} must be within 0..1, got ${rate}`);
  }
  if (!(next.latencyMs >= 0)) throw new RangeError(`latencyMs must be ≥ 0, got ${next.latencyMs}`);
  checkWeights('recordErrorMix', next.recordErrorMix);
  checkWeights('requestFailureMix', next.requestFailureMix);
  return next;
}

function checkWeights(name: string, weights: Record<string, number>): void {
  const values = Object.values(weights);
  if (values.some((w) => !(w >= 0)) || !values.some((w) => w > 0)) {
    throw new RangeError(`${name} needs weights ≥ 0, at least one of them > 0: ${JSON.stringify(weights)}`);
  }
}
