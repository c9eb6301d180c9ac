// `accessLog: { path, fields }`: where JSON lines go and which fields they carry. Every format string is compiled
// here, so a typo in an operator is a config error at its line, not a surprise at the first request.
import { isAbsolute, resolve } from 'node:path';
import type { Field } from './reader.js';
import type { AccessLogConfig } from './types.js';
import { compileFormat, DEFAULT_ACCESS_LOG_FIELDS, FormatError } from '../observability/access-log-format.js';

export function readAccessLog(f: Field): AccessLogConfig | undefined {
  const o = f.object(['path', 'fields']);
  if (o === undefined) return undefined;
  const pf = o.get('path');
  const raw = pf?.nonEmptyString() ?? 'stdout';
  const path = raw === 'stdout' || raw === 'stderr' || isAbsolute(raw) ? raw : resolve(f.src.baseDir, raw);
  const ff = o.get('fields');
  if (ff === undefined) return { path, fields: { ...DEFAULT_ACCESS_LOG_FIELDS } };
  const fields: Record<string, string> = {};
  for (const [k, v] of ff.entries() ?? []) {
    const key = k.string();
    const format = v.string();
    if (key === undefined || format === undefined) continue;
    try {
      compileFormat(format);
      fields[key] = format;
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      v.fail(e.message);
    }
  }
  return { path, fields };
}
