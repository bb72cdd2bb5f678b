import { Inject, Injectable } from '@nestjs/common';
import { apiConfig, type ApiConfig } from '../../config';
import type { UploadAllowance } from '../intake/upload-source';
import { PART_BYTES } from '../staging/part-buffered.upload';
import { StagingSlots } from '../staging/staging-slots';
import { Allowance, KeyedAllowance } from './allowance';
import { OverCapacityError } from './over-capacity.error';

/**
 * The most one upload holds in memory, whatever its size: a staged upload streams through
 * one part buffer (a file up to the inline threshold, far less, is held whole).
 */
export const MAX_HELD_BYTES_PER_UPLOAD = PART_BYTES;

/** One admitted upload's hold on the shared limits, until {@link release}. */
export class AdmittedUpload implements UploadAllowance {
  private released = false;

  constructor(
    private chargedBytes: number,
    readonly stagingSlotReserved: boolean,
    private readonly takeBytes: (bytes: number) => boolean,
    private readonly giveBack: (bytes: number) => void,
  ) {}

  /** Bytes of the in-flight budget this upload holds now. */
  get heldBytes(): number {
    return this.chargedBytes;
  }

  /**
   * The body has passed `bytesSoFar`: a body longer than it said, or a chunked one (no
   * Content-Length), is charged as it arrives, up to what one upload can hold.
   * @throws OverCapacityError ('all') when the budget has no room for the growth
   */
  bodyProgress(bytesSoFar: number): void {
    const due = Math.min(bytesSoFar, MAX_HELD_BYTES_PER_UPLOAD) - this.chargedBytes;
    if (due <= 0 || this.released) return;
    if (!this.takeBytes(due)) throw new OverCapacityError('all', 'The api holds as many upload bytes as it may');
    this.chargedBytes += due;
  }

  /** Gives everything back; safe to call more than once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.giveBack(this.chargedBytes);
  }
}

/**
 * Admission control for `POST /uploads`, decided from the head alone, before a byte of the
 * body is read: at most `UPLOAD_MAX_CONCURRENT_PER_USER` uploads per user at once, and at
 * most `UPLOAD_BODY_BYTES_IN_FLIGHT` bytes of bodies held by all of them together, each
 * upload counting its Content-Length up to one part buffer ({@link MAX_HELD_BYTES_PER_UPLOAD}),
 * and a staging slot ({@link StagingSlots}, the user's fair share) for an upload whose
 * Content-Length says it will be staged. A stalled upload still counts until it ends, so a client cannot pile up held bodies.
 *
 * Per process: each api task (or Lambda instance) has its own.
 */
@Injectable()
export class UploadAdmission {
  private readonly uploadsByUser = new KeyedAllowance();
  private readonly bodyBytes: Allowance;
  private readonly maxPerUser: number;

  private readonly inlineMaxBytes: number;

  constructor(
    @Inject(apiConfig.KEY) config: ApiConfig,
    private readonly stagingSlots: StagingSlots,
  ) {
    this.bodyBytes = new Allowance(config.admission.bodyBytesInFlight);
    this.maxPerUser = config.admission.maxConcurrentPerUser;
    this.inlineMaxBytes = config.uploadInlineMaxBytes;
  }

  /**
   * @param declaredBytes the request's Content-Length; undefined for a chunked body
   * @throws OverCapacityError 'user' at the user's limit, 'all' when the bytes budget is spent
   * @throws StagingBusyError (an OverCapacityError) when a declared large upload finds no staging slot
   */
  admit(userSub: string, declaredBytes: number | undefined): AdmittedUpload {
    if (!this.uploadsByUser.tryTake(userSub, this.maxPerUser)) {
      throw new OverCapacityError('user', `${this.maxPerUser} uploads of yours are under way already`);
    }
    const upfront = Math.min(declaredBytes ?? 0, MAX_HELD_BYTES_PER_UPLOAD);
    if (!this.bodyBytes.tryTake(upfront)) {
      this.uploadsByUser.give(userSub);
      throw new OverCapacityError('all', 'The api holds as many upload bytes as it may');
    }
    let releaseSlot: (() => void) | undefined;
    if (declaredBytes !== undefined && declaredBytes > this.inlineMaxBytes) {
      try {
        releaseSlot = this.stagingSlots.take(userSub);
      } catch (error) {
        this.bodyBytes.give(upfront);
        this.uploadsByUser.give(userSub);
        throw error;
      }
    }
    return new AdmittedUpload(
      upfront,
      releaseSlot !== undefined,
      (bytes) => this.bodyBytes.tryTake(bytes),
      (bytes) => {
        this.bodyBytes.give(bytes);
        this.uploadsByUser.give(userSub);
        releaseSlot?.();
      },
    );
  }

  /** Bytes of bodies held by uploads under way (for tests and metrics). */
  get bodyBytesInFlight(): number {
    return this.bodyBytes.used;
  }
}
