// The one tsup setup every package builds with: ESM + .d.ts for Node >= 20, from the package's own tsconfig.
import { defineConfig, type Options } from 'tsup';

export function packageConfig(entry: Options['entry'] = ['src/index.ts']) {
  return defineConfig({ entry, format: ['esm'], dts: true, sourcemap: true, clean: true, target: 'node20', tsconfig: 'tsconfig.json' });
}
