export { AccessLog, type AccessLogOptions, type LogSink } from './access-log.js';
export { compileAccessLog, compileFormat, DEFAULT_ACCESS_LOG_FIELDS, FormatError } from './access-log-format.js';
export { Registry, Counter, Gauge, Histogram, CONTENT_TYPE } from './registry.js';
export { ProxyMetrics, noopMetrics, LATENCY_BUCKETS } from './proxy-metrics.js';
export { startAdminServer, type AdminOptions, type AdminServer } from './admin.js';
