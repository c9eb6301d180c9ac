// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition format
// 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/). Label sets are looked up by a joined key;
// the children are kept, so the hot path is one string concat and one Map lookup.

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

abstract class Metric<Child> {
  private readonly children = new Map<string, { labels: string; child: Child }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    for (const l of labelNames) if (!LABEL.test(l) || l.startsWith('__') || l === 'le') throw new Error(`invalid label name ${l}`);
  }

  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  protected abstract create(): Child;
  protected abstract render(name: string, labels: string, child: Child): string;

  /** The child for these label values (in labelNames order). */
  labels(...values: string[]): Child {
    if (values.length !== this.labelNames.length) throw new Error(`${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    let entry = this.children.get(key);
    if (entry === undefined) {
      const labels = this.labelNames.map((n, i) => `${n}="${escapeLabel(values[i]!)}"`).join(',');
      entry = { labels, child: this.create() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  /** Drops one label set (e.g. a host that left the config). */
  remove(...values: string[]): void {
    this.children.delete(values.length === 1 ? values[0]! : values.join('\u0000'));
  }

  reset(): void {
    this.children.clear();
  }

  expose(): string {
    let out = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    for (const { labels, child } of this.children.values()) out += this.render(this.name, labels, child);
    return out;
  }
}

export class CounterChild {
  value = 0;
  inc(by = 1): void {
    if (by < 0) throw new Error('counters only go up');
    this.value += by;
  }
}

export class Counter extends Metric<CounterChild> {
  readonly type = 'counter';
  protected create(): CounterChild {
    return new CounterChild();
  }
  protected render(name: string, labels: string, c: CounterChild): string {
    return `${name}${labels === '' ? '' : `{${labels}}`} ${formatValue(c.value)}\n`;
  }
  inc(by = 1): void {
    this.labels().inc(by);
  }
}

export class GaugeChild {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
}

export class Gauge extends Metric<GaugeChild> {
  readonly type = 'gauge';
  protected create(): GaugeChild {
    return new GaugeChild();
  }
  protected render(name: string, labels: string, g: GaugeChild): string {
    return `${name}${labels === '' ? '' : `{${labels}}`} ${formatValue(g.value)}\n`;
  }
  set(v: number): void {
    this.labels().set(v);
  }
}

export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(v: number): void {
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]!) {
        this.counts[i]!++;
        break;
      }
    }
    this.sum += v;
    this.count++;
  }
}

export class Histogram extends Metric<HistogramChild> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames);
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i]! > buckets[i - 1]!)) throw new Error(`${name}: buckets must increase`);
    this.buckets = buckets.filter((b) => b !== Infinity);
  }
  protected create(): HistogramChild {
    return new HistogramChild(this.buckets);
  }
  protected render(name: string, labels: string, h: HistogramChild): string {
    const sep = labels === '' ? '' : ',';
    let out = '';
    let cumulative = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cumulative += h.counts[i]!;
      out += `${name}_bucket{${labels}${sep}le="${formatValue(this.buckets[i]!)}"} ${formatValue(cumulative)}\n`;
    }
    out += `${name}_bucket{${labels}${sep}le="+Inf"} ${formatValue(h.count)}\n`;
    out += `${name}_sum${labels === '' ? '' : `{${labels}}`} ${formatValue(h.sum)}\n`;
    out += `${name}_count${labels === '' ? '' : `{${labels}}`} ${formatValue(h.count)}\n`;
    return out;
  }
  observe(v: number): void {
    this.labels().observe(v);
  }
}

export class Registry {
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();

  private add<M extends Counter | Gauge | Histogram>(m: M): M {
    if (this.metrics.has(m.name)) throw new Error(`metric ${m.name} is already registered`);
    this.metrics.set(m.name, m);
    if (m.labelNames.length === 0) m.labels(); // unlabelled metrics are exposed from the start, at 0
    return m;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  /** Text exposition format 0.0.4, metrics in registration order. */
  expose(): string {
    let out = '';
    for (const m of this.metrics.values()) out += m.expose();
    return out;
  }
}
