import { summarizeTimings } from './cold-start.stats';

describe('summarizeTimings', () => {
  it('takes the middle value of an odd count and the nearest-rank p90', () => {
    expect(summarizeTimings([5, 1, 3, 2, 4, 9, 8, 7, 6, 10, 11])).toEqual({ median: 6, p90: 10, min: 1, max: 11 });
  });

  it('averages the two middle values of an even count', () => {
    expect(summarizeTimings([4, 1, 3, 2])).toEqual({ median: 2.5, p90: 4, min: 1, max: 4 });
  });

  it('gives NaN for no values rather than a number that looks measured', () => {
    expect(summarizeTimings([]).median).toBeNaN();
  });
});
