import { median, summarizeCpuAb } from './cpu-ab.stats';
import type { UploadRound } from './upload-bench.results';

const run = (variant: 'on' | 'off', round: number, serverCpuMicrosPerRequest: number) =>
  ({ variant, round, serverCpuMicrosPerRequest }) as UploadRound<'on' | 'off'>;

describe('summarizeCpuAb', () => {
  it('compares the medians and the runs of each round, B over A', () => {
    const summary = summarizeCpuAb([run('off', 1, 2000), run('on', 1, 2100), run('on', 2, 3300), run('off', 2, 3000), run('off', 3, 2500), run('on', 3, 2450)], 'off', 'on');
    expect(summary.microsPerRequest.a).toEqual({ median: 2500, min: 2000, max: 3000 });
    expect(summary.microsPerRequest.b).toEqual({ median: 2450, min: 2100, max: 3300 });
    expect(summary.medianOverheadPercent).toBeCloseTo(-2);
    // A slow patch of the machine (round 2) raises both runs of the round, not one variant.
    expect(summary.perRoundOverheadPercent.values.map((v) => Math.round(v * 10) / 10)).toEqual([5, 10, -2]);
    expect(summary.perRoundOverheadPercent.median).toBeCloseTo(5);
  });

  it('leaves out a round that lacks one of the two runs', () => {
    expect(summarizeCpuAb([run('off', 1, 100), run('on', 1, 110), run('off', 2, 100)], 'off', 'on').perRoundOverheadPercent.values).toHaveLength(1);
  });
});

describe('median', () => {
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
