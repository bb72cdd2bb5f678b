import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => (now = 0));

  it('starts full, admits the burst, then refuses until tokens flow back in', () => {
    const bucket = new TokenBucket(1000, 1000, clock);
    let admitted = 0;
    for (let i = 0; i < 1500; i++) if (bucket.tryTake(1)) admitted += 1;
    expect(admitted).toBe(1000);
    now += 100; // 100 ms at 1000/s: 100 more
    admitted = 0;
    for (let i = 0; i < 500; i++) if (bucket.tryTake(1)) admitted += 1;
    expect(admitted).toBe(100);
  });

  it('never holds more than its capacity, however long it rests', () => {
    const bucket = new TokenBucket(5, 5, clock);
    now += 60_000;
    expect(bucket.available).toBe(5);
  });

  it('admits an amount above the capacity only when full, and leaves debt', () => {
    const bucket = new TokenBucket(2, 2, clock); // think MiB: 2 MiB/s
    expect(bucket.tryTake(10)).toBe(true);
    expect(bucket.available).toBe(-8);
    now += 3_000;
    expect(bucket.hasCredit()).toBe(false); // still -2
    now += 1_500;
    expect(bucket.hasCredit()).toBe(true);
  });

  it('refuses without taking anything', () => {
    const bucket = new TokenBucket(10, 10, clock);
    expect(bucket.tryTake(8)).toBe(true);
    expect(bucket.tryTake(5)).toBe(false);
    expect(bucket.available).toBe(2);
  });

  it('charges after the fact (a read whose size is known once answered)', () => {
    const bucket = new TokenBucket(2, 2, clock);
    expect(bucket.hasCredit()).toBe(true);
    bucket.charge(10);
    expect(bucket.hasCredit()).toBe(false);
    now += 4_000;
    expect(bucket.hasCredit()).toBe(false);
    now += 1;
    expect(bucket.hasCredit()).toBe(true);
  });
});
