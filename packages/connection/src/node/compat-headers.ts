// The response HEADERS of the compat layer, built straight from what node's OutgoingMessage stores (its kOutHeaders
// table: lowercase name → [name as given, value]) instead of a getHeaders() copy: setHeader() has checked the names
// (HTTP tokens) and values (no CR, LF or NUL), so plain ASCII values go into the list as they are. HTTP/1-only fields
// are dropped (RFC 9113 §8.2.2); arrays and non-ASCII values go through toHeaderList like every other header object.
import * as http from 'node:http';
import type { HeaderList } from '../engine/http-semantics.js';
import { CONNECTION_SPECIFIC, isAscii, toHeaderList, type OutgoingHttpHeaders } from './headers.js';
import { dateField, statusField } from './server-stream.js';

type StoredHeaders = Record<string, [string, number | string | readonly string[]]>;

/** node's private symbol for the stored headers, when this Node version has it (since Node 8). */
const kOutHeaders: symbol | undefined = Object.getOwnPropertySymbols(new http.OutgoingMessage()).find((s) => s.description === 'kOutHeaders');

/**
 * The final response's header list: :status, the stored headers, then `fields` (from writeHead, already converted),
 * content-length when `contentLength` ≥ 0 and none is set, and date when `sendDate` and none is set.
 */
export function responseHeaderList(res: http.ServerResponse, status: number, fields: HeaderList | null, contentLength: number): HeaderList {
  const stored = storedHeaders(res);
  if (stored === null && fields !== null) {
    // writeHead's fields alone: the list is theirs, with :status in front.
    fields.unshift(statusField(status));
    return finishList(res, fields, contentLength);
  }
  const list: HeaderList = [statusField(status)];
  if (stored !== null) {
    for (const name in stored) {
      const value = stored[name]![1];
      if (name.charCodeAt(0) === 0x3a || CONNECTION_SPECIFIC.has(name)) continue;
      const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
      if (text !== null && isAscii(text) && name !== 'te') list.push([name, text]);
      else appendFields(list, name, value);
    }
  }
  if (fields !== null) for (let i = 0; i < fields.length; i++) list.push(fields[i]!);
  return finishList(res, list, contentLength);
}

/** Adds content-length (when `contentLength` ≥ 0) and date (when sendDate) unless the fields after :status have them. */
function finishList(res: http.ServerResponse, list: HeaderList, contentLength: number): HeaderList {
  let hasDate = false;
  let hasLength = false;
  for (let i = 1; i < list.length; i++) {
    const name = list[i]![0];
    if (name === 'date') hasDate = true;
    else if (name === 'content-length') hasLength = true;
  }
  if (contentLength >= 0 && !hasLength) list.push(['content-length', String(contentLength)]);
  if (res.sendDate && !hasDate) list.push(dateField());
  return list;
}

/** Whether any header was stored with setHeader/appendHeader. */
export function hasStoredHeaders(res: http.ServerResponse): boolean {
  if (kOutHeaders === undefined) return res.getHeaderNames().length > 0;
  return (res as unknown as Record<symbol, StoredHeaders | null>)[kOutHeaders] != null;
}

function storedHeaders(res: http.ServerResponse): StoredHeaders | null {
  if (kOutHeaders !== undefined) return (res as unknown as Record<symbol, StoredHeaders | null>)[kOutHeaders] ?? null;
  const copy = res.getHeaders() as OutgoingHttpHeaders;
  const out: StoredHeaders = {};
  for (const name in copy) out[name] = [name, copy[name]!];
  return out;
}

function appendFields(list: HeaderList, name: string, value: number | string | readonly string[]): void {
  const fields = toHeaderList({ [name]: value }, 'response', 'drop');
  for (let i = 0; i < fields.length; i++) list.push(fields[i]!);
}
