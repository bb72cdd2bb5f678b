import { Allowance, KeyedAllowance } from '../admission/allowance';
import { StagingBusyError } from '../intake/staging-busy.error';

/**
 * One per process (a provider of UploadsModule). The `UPLOAD_MAX_CONCURRENT_STAGED` slots for uploads being streamed to S3 (each holds a part
 * buffer), shared fairly: a user may hold at most `max(1, floor(slots / (users + 1)))` of
 * them, where `users` counts those holding slots, the asker included. The `+ 1` keeps a share
 * free for a user not seen yet: one user alone gets at most half, two a third each, and so on,
 * so whoever holds slots (a slow or stalled client) cannot take the last ones from everyone else.
 */
export class StagingSlots {
  private readonly all: Allowance;
  private readonly byUser = new KeyedAllowance();

  constructor(readonly limit: number) {
    this.all = new Allowance(limit);
  }

  /** The most slots `userSub` may hold right now. */
  shareOf(userSub: string): number {
    const users = this.byUser.holders + (this.byUser.held(userSub) === 0 ? 1 : 0);
    return Math.max(1, Math.floor(this.limit / (users + 1)));
  }

  /**
   * @returns a function that gives the slot back (once, whatever the number of calls)
   * @throws StagingBusyError 'user' past the user's share, 'all' when every slot is taken
   */
  take(userSub: string): () => void {
    const share = this.shareOf(userSub);
    if (!this.byUser.tryTake(userSub, share)) {
      throw new StagingBusyError('user', `${share} of your large uploads are being staged already`);
    }
    if (!this.all.tryTake()) {
      this.byUser.give(userSub);
      throw new StagingBusyError('all', `${this.limit} large uploads are being staged already`);
    }
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.all.give();
      this.byUser.give(userSub);
    };
  }

  get used(): number {
    return this.all.used;
  }
}
