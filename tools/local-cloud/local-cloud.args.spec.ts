import { LocalCloudConfigError } from './local-cloud-config.error';
import { parseLocalCloudArgs } from './local-cloud.args';

describe('parseLocalCloudArgs', () => {
  it('defaults to nothing chosen (loopback, a fresh seed)', () => {
    expect(parseLocalCloudArgs([])).toEqual({ reset: false, resetOnly: false, profile: undefined, seed: undefined });
  });

  it('reads --profile and --seed, with a space or an equals sign', () => {
    expect(parseLocalCloudArgs(['--reset', '--profile', 'aws', '--seed', '42'])).toEqual({ reset: true, resetOnly: false, profile: 'aws', seed: 42 });
    expect(parseLocalCloudArgs(['--profile=loopback', '--seed=7'])).toMatchObject({ profile: 'loopback', seed: 7 });
  });

  it('refuses unknown options, unknown profiles, bad seeds and missing values, in one line', () => {
    expect(() => parseLocalCloudArgs(['--fast'])).toThrow(/^Unknown option --fast; usage: /);
    expect(() => parseLocalCloudArgs(['--profile', 'azure'])).toThrow('--profile is "azure": expected loopback or aws');
    expect(() => parseLocalCloudArgs(['--seed', '-1'])).toThrow(LocalCloudConfigError);
    expect(() => parseLocalCloudArgs(['--profile'])).toThrow('--profile needs a value');
  });
});
