// Child-process entry of the attack suite: serves strand (conformance/engine-server.ts) or node:http2 on loopback and
// reports its own memory and CPU over IPC, so what an attack costs the server is measured in the server's process alone.
//   parent → { type: 'mark' }     : collect garbage, take the baseline, start sampling memory every 5 ms
//   parent → { type: 'measure' }  : stop sampling; answer peak growth, retained growth after GC, CPU time since mark
//   parent → { type: 'stop' }     : close the server and exit
import { startEngineServer } from '../engine-server.js';
import { startNodeTarget } from './node-target.js';
import type { Measures, TargetConfig, TargetMessage } from './types.js';

const MiB = 1024 * 1024;
const config = JSON.parse(process.argv[2] ?? '{}') as TargetConfig;
const server = config.impl === 'node' ? await startNodeTarget(config.node ?? {}) : await startEngineServer({ engine: config.engine ?? {} });

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
let base = process.memoryUsage();
let cpu0 = process.cpuUsage();
let peakRss = 0;
let peakHeap = 0;
let sampler: NodeJS.Timeout | null = null;

function reply(message: TargetMessage): void {
  process.send?.(message);
}

function sample(): void {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
}

process.on('message', (message: TargetMessage) => {
  if (message.type === 'mark') {
    gc();
    gc();
    base = process.memoryUsage();
    peakRss = base.rss;
    peakHeap = base.heapUsed + base.external;
    cpu0 = process.cpuUsage();
    sampler = setInterval(sample, 5);
    reply({ type: 'marked' });
  } else if (message.type === 'measure') {
    sample();
    if (sampler !== null) clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    gc();
    gc();
    const after = process.memoryUsage();
    const measures: Measures = {
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssGrowthMiB: (peakRss - base.rss) / MiB,
      heapGrowthMiB: (peakHeap - base.heapUsed - base.external) / MiB,
      retainedMiB: (after.heapUsed + after.external - base.heapUsed - base.external) / MiB,
    };
    reply({ type: 'measures', measures });
  } else if (message.type === 'stop') {
    void server.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  }
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready', port: server.port });
