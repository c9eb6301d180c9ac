// Where the data path reports: the metrics registry (observability/ProxyMetrics, or noopMetrics) and the access log.
import type { LogRecord, Metrics } from '../config/types.js';
import { noopMetrics } from '../observability/proxy-metrics.js';

/** Anything that takes finished requests (observability/AccessLog). */
export interface RequestLog {
  log(record: LogRecord): void;
}

export class Observer {
  readonly metrics: Metrics;
  accessLog: RequestLog | null;

  constructor(metrics: Metrics = noopMetrics, accessLog: RequestLog | null = null) {
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  /** Someone consumes LogRecords (real metrics or an access log): otherwise the data path does not build them. */
  get wantsRecords(): boolean {
    return this.metrics !== noopMetrics || this.accessLog !== null;
  }

  requestFinished(record: LogRecord): void {
    this.metrics.requestCompleted(record);
    this.accessLog?.log(record);
  }
}
