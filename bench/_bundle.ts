// Bundles a bench server entry with tsup, as the published packages are built, so the servers under measurement run
// compiled JavaScript under plain node, as users run them, and carry nothing else: run from source under tsx, a
// strand server also held the loader's state (about 2 MB more old generation, which changes V8's collection schedule:
// 1 MiB uploads ran 20–22 mark-compacts per 3 000 where the bundle ran 1–7), and a bundle of bench/proxy.ts itself
// carried tsup (a 12.9 MB script source held in the heap, which hid the opposite effect from the proxy's figures);
// docs/benchmarks.md.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bundles `entry` into `outDir`/`name`.mjs; null (and a note printed) when tsup fails: callers then run the source. */
export async function bundleEntry(entry: string, name: string, outDir: string): Promise<string | null> {
  try {
    const { build } = await import('tsup');
    await build({
      entry: { [name]: entry },
      outDir,
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      noExternal: [/.*/],
      tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
      silent: true,
      dts: false,
      sourcemap: false,
      splitting: false,
      outExtension: () => ({ js: '.mjs' }),
    });
    return join(outDir, `${name}.mjs`);
  } catch (error) {
    console.log(`(bundling ${name} failed, running it from source under tsx: ${(error as Error).message})`);
    return null;
  }
}
