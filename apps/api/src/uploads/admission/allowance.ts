/**
 * Units of a shared resource (uploads, bytes, slots) taken and given back without ever
 * waiting: a caller that finds none left is refused at once, so load sheds instead of
 * queueing in memory.
 */
export class Allowance {
  private taken = 0;

  constructor(readonly limit: number) {}

  get used(): number {
    return this.taken;
  }

  /** Takes `units` if they all fit under the limit; takes nothing otherwise. */
  tryTake(units = 1): boolean {
    if (this.taken + units > this.limit) return false;
    this.taken += units;
    return true;
  }

  give(units = 1): void {
    this.taken = Math.max(0, this.taken - units);
  }
}

/**
 * A count per key (a user's `sub`), each under a limit the caller passes at the time of
 * taking, so the limit may depend on the moment (a fair share). Keys holding nothing are
 * forgotten: the map grows with the users active right now, not with every user ever seen.
 */
export class KeyedAllowance {
  private readonly counts = new Map<string, number>();

  held(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Keys holding at least one unit. */
  get holders(): number {
    return this.counts.size;
  }

  tryTake(key: string, limit: number): boolean {
    const held = this.held(key);
    if (held + 1 > limit) return false;
    this.counts.set(key, held + 1);
    return true;
  }

  give(key: string): void {
    const held = this.held(key);
    if (held <= 1) this.counts.delete(key);
    else this.counts.set(key, held - 1);
  }
}
