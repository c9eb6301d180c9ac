import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', engine: 'src/engine/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  tsconfig: 'tsconfig.json',
});
