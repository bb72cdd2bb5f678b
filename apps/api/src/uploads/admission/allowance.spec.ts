import { Allowance, KeyedAllowance } from './allowance';

describe('Allowance', () => {
  it('takes units up to the limit exactly, refuses what would pass it, and takes them again once given back', () => {
    const bytes = new Allowance(100);
    expect(bytes.tryTake(60)).toBe(true);
    expect(bytes.tryTake(41)).toBe(false);
    expect(bytes.used).toBe(60);
    expect(bytes.tryTake(40)).toBe(true);
    expect(bytes.tryTake()).toBe(false);
    bytes.give(60);
    expect(bytes.tryTake(41)).toBe(true);
    expect(bytes.used).toBe(81);
  });

  it('never counts below zero when more is given back than was taken', () => {
    const slots = new Allowance(1);
    slots.give(5);
    expect(slots.tryTake()).toBe(true);
    expect(slots.tryTake()).toBe(false);
  });
});

describe('KeyedAllowance', () => {
  it('counts each key under the limit given, independently of other keys', () => {
    const uploads = new KeyedAllowance();
    expect(uploads.tryTake('a', 2)).toBe(true);
    expect(uploads.tryTake('a', 2)).toBe(true);
    expect(uploads.tryTake('a', 2)).toBe(false);
    expect(uploads.tryTake('b', 2)).toBe(true);
    expect(uploads.held('a')).toBe(2);
    expect(uploads.holders).toBe(2);
  });

  it('forgets a key once it holds nothing', () => {
    const uploads = new KeyedAllowance();
    uploads.tryTake('a', 1);
    uploads.give('a');
    expect(uploads.holders).toBe(0);
    expect(uploads.held('a')).toBe(0);
    uploads.give('a');
    expect(uploads.held('a')).toBe(0);
  });
});
