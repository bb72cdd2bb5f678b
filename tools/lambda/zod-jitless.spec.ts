import { zodJitless } from './bundle.options';
import { bundledPackage } from './testing/bundled-package';

describe('zod-jitless', () => {
  it('starts zod with jitless: true, and zod still parses', async () => {
    const globals = globalThis as { __zod_globalConfig?: object };
    const previous = globals.__zod_globalConfig;
    delete globals.__zod_globalConfig;
    try {
      // Evaluated with zod's global config cleared, so the bundle's own start-up sets it.
      const { z } = (await bundledPackage('zod', [zodJitless])).exports;
      expect(z.config().jitless).toBe(true);
      const schema = z.object({ id: z.string().uuid(), size: z.number().int() });
      expect(schema.safeParse({ id: '00000000-0000-4000-8000-000000000000', size: 1 }).success).toBe(true);
      expect(schema.safeParse({ id: 'x', size: 1.5 }).success).toBe(false);
    } finally {
      globals.__zod_globalConfig = previous;
    }
  });
});
