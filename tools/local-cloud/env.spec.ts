import { execFileSync } from 'node:child_process';
import { shellExport } from './env.main';

describe('shellExport', () => {
  it('quotes any value so that a POSIX shell reads it back unchanged', () => {
    const values = ['plain', "it's", 'a b $HOME `x` "y" \\z', ''];
    for (const value of values) {
      const echoed = execFileSync('sh', ['-c', `${shellExport('V', value)}; printf %s "$V"`], { encoding: 'utf8' });
      expect(echoed).toBe(value);
    }
  });
});
