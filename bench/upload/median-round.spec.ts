import { medianRound } from './median-round';
import type { UploadRound } from './upload-bench.results';

const round = (round: number, requestsPerSecond: number) => ({ variant: 'ours', round, requestsPerSecond }) as UploadRound;

describe('medianRound', () => {
  it('takes the whole round in the middle by requests/s, whatever the order they ran in', () => {
    expect(medianRound([round(1, 300), round(2, 100), round(3, 200)]).round).toBe(3);
  });

  it('takes the lower middle round of an even count', () => {
    expect(medianRound([round(1, 400), round(2, 100), round(3, 300), round(4, 200)]).round).toBe(4);
  });

  it('refuses an empty list', () => {
    expect(() => medianRound([])).toThrow('no rounds');
  });
});
