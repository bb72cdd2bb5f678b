import { wholeNumberOption } from './bench-args';

describe('wholeNumberOption', () => {
  it('reads a whole number at or above the minimum', () => {
    expect(wholeNumberOption({ rounds: '3' }, 'rounds')).toBe(3);
    expect(wholeNumberOption({ rate: '0' }, 'rate', 0)).toBe(0);
  });

  it.each([['0'], ['-1'], ['2.5'], ['abc'], [undefined]])('refuses %p, naming the option', (raw) => {
    expect(() => wholeNumberOption({ rounds: raw }, 'rounds')).toThrow('--rounds must be a positive integer');
  });

  it('names the minimum when it is not 1', () => {
    expect(() => wholeNumberOption({ rate: '-1' }, 'rate', 0)).toThrow('--rate must be a whole number of at least 0');
  });
});
