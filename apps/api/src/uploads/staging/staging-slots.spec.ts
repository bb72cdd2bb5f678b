import { StagingBusyError } from '../intake/staging-busy.error';
import { StagingSlots } from './staging-slots';

describe('StagingSlots', () => {
  /** Takes slots for `user` until refused; returns how many it got and why it stopped. */
  function takeAll(slots: StagingSlots, user: string): { taken: number; refusal: StagingBusyError } {
    for (let taken = 0; ; taken++) {
      try {
        slots.take(user);
      } catch (error) {
        return { taken, refusal: error as StagingBusyError };
      }
    }
  }

  it('lets one user take half of the slots, never all, and leaves the rest to the next user', () => {
    const slots = new StagingSlots(32);
    const greedy = takeAll(slots, 'greedy');
    expect(greedy.taken).toBe(16);
    expect(greedy.refusal).toMatchObject({ scope: 'user' });
    expect(() => slots.take('innocent')).not.toThrow();
  });

  it('shrinks the share as users arrive; those who came first keep what they took', () => {
    const slots = new StagingSlots(32);
    const taken = ['a', 'b', 'c', 'd'].map((user) => takeAll(slots, user).taken);
    // Shares of 32/2, 32/3, 32/4: the third finds 6 left, the fourth none (no slot is taken back).
    expect(taken).toEqual([16, 10, 6, 0]);
    expect(takeAll(slots, 'e').refusal).toMatchObject({ scope: 'all' });
  });

  it('gives 10 users arriving together 2 slots each of 32, leaving 12 for an eleventh', () => {
    const slots = new StagingSlots(32);
    const users = Array.from({ length: 10 }, (_, i) => `user-${i}`);
    for (const user of users) slots.take(user);
    for (let round = 0; round < 5; round++) {
      for (const user of users) {
        try {
          slots.take(user);
        } catch {
          // over their share
        }
      }
    }
    expect(slots.used).toBe(20);
    expect(() => slots.take('innocent')).not.toThrow();
  });

  it('gives a slot back once, however often its release is called, and forgets the user', () => {
    const slots = new StagingSlots(2);
    const release = slots.take('a');
    expect(() => slots.take('a')).toThrow(StagingBusyError);
    release();
    release();
    expect(slots.used).toBe(0);
    expect(slots.shareOf('b')).toBe(1);
    slots.take('a');
    slots.take('b');
    expect(() => slots.take('c')).toThrow(expect.objectContaining({ scope: 'all' }) as Error);
  });

  it('lets a single slot go to whoever asks first', () => {
    const slots = new StagingSlots(1);
    slots.take('a');
    expect(() => slots.take('b')).toThrow(expect.objectContaining({ scope: 'all' }) as Error);
  });
});
