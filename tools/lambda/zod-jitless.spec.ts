import { build } from 'esbuild';
import { zodJitless } from './bundle.options';

describe('zod-jitless', () => {
  it('starts zod with jitless: true, and zod still parses', async () => {
    const result = await build({
      stdin: { contents: "module.exports = require('zod');", resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
      plugins: [zodJitless],
    });
    const globals = globalThis as { __zod_globalConfig?: object };
    const previous = globals.__zod_globalConfig;
    delete globals.__zod_globalConfig;
    try {
      const module = { exports: {} as Record<string, any> };
      new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, require);
      const { z } = module.exports;
      expect(z.config().jitless).toBe(true);
      const schema = z.object({ id: z.string().uuid(), size: z.number().int() });
      expect(schema.safeParse({ id: '00000000-0000-4000-8000-000000000000', size: 1 }).success).toBe(true);
      expect(schema.safeParse({ id: 'x', size: 1.5 }).success).toBe(false);
    } finally {
      globals.__zod_globalConfig = previous;
    }
  });
});
