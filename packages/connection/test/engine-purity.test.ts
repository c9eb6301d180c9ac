// DEVELOPERS.md: the five protocol packages and the engine part of @strand/connection import nothing from `node:`
// and have no runtime dependencies. This test reads their sources and package.json files to keep it so.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ENGINE_DIRS = ['packages/frame/src', 'packages/hpack/src', 'packages/stream/src', 'packages/flow/src', 'packages/priority/src', 'packages/connection/src/engine'];

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

test('engine sources import nothing from node: and nothing outside @strand', () => {
  const offenders: string[] = [];
  let files = 0;
  for (const dir of ENGINE_DIRS) {
    for (const file of sources(dir)) {
      files++;
      const text = readFileSync(join(root, file), 'utf8');
      const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?\bfrom\s+'([^']+)'/g), ...text.matchAll(/\bimport\(\s*'([^']+)'/g)];
      for (const m of specs) {
        const spec = m[1]!;
        if (spec.startsWith('.') || spec.startsWith('@strand/')) continue;
        offenders.push(`${file}: ${spec}`);
      }
      if (/\brequire\(/.test(text)) offenders.push(`${file}: require()`);
    }
  }
  assert.ok(files > 50, `read ${files} files`);
  assert.equal(offenders, []);
});

test('protocol packages have no runtime dependencies outside @strand', () => {
  for (const name of ['frame', 'hpack', 'stream', 'flow', 'priority']) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const deps = Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith('@strand/'));
    assert.equal(deps, [], `@strand/${name}`);
  }
});

test.run();
