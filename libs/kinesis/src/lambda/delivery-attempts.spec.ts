import { DeliveryAttempts } from './delivery-attempts';

describe('DeliveryAttempts', () => {
  it('numbers the deliveries of a record and counts its own failures apart, until it is forgotten', () => {
    const attempts = new DeliveryAttempts();
    expect(attempts.deliver('a')).toBe(1);
    expect(attempts.deliver('a')).toBe(2);
    expect(attempts.fail('a')).toBe(1);
    expect(attempts.deliver('b')).toBe(1);
    attempts.forget('a');
    expect(attempts.deliver('a')).toBe(1);
  });

  it('remembers at most `capacity` records, dropping the one seen longest ago', () => {
    const attempts = new DeliveryAttempts(2);
    attempts.deliver('a');
    attempts.deliver('b');
    attempts.deliver('a');
    attempts.deliver('c');
    expect(attempts.size).toBe(2);
    // b was seen longest ago: it starts over; a is still counted.
    expect(attempts.deliver('b')).toBe(1);
    expect(attempts.deliver('c')).toBe(2);
  });
});
