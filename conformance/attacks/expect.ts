// Checks shared by the attack modules: what GOAWAY strand must send, and the one-line outcome.
import { ErrorCode, errorCodeName, frameTypeName } from '@strand/frame';
import type { AttackClient } from './client.js';
import type { Outcome } from './types.js';

/** Problems unless the server sent GOAWAY `code` with debug text matching `debug`, then nothing else. */
export function expectGoaway(c: AttackClient, code: number, debug: RegExp): string[] {
  const problems: string[] = [];
  if (c.goaway === null) problems.push(`no GOAWAY ${errorCodeName(code)} (saw: ${c.describe()})`);
  else {
    if (c.goaway.code !== code) problems.push(`GOAWAY ${errorCodeName(c.goaway.code)}, expected ${errorCodeName(code)}`);
    if (!debug.test(c.goaway.debug)) problems.push(`GOAWAY debug text "${c.goaway.debug}" does not match ${debug}`);
  }
  if (c.afterGoaway > 0) problems.push(`${c.afterGoaway} frames after the GOAWAY (${[...c.afterGoawayTypes].map(frameTypeName).join(', ')})`);
  if (c.protocolTrouble) problems.push(c.protocolTrouble);
  return problems;
}

/** The server ended the connection: GOAWAY with an error code, or closed it. */
export function ended(c: AttackClient): boolean {
  return c.closed || (c.goaway !== null && c.goaway.code !== ErrorCode.NO_ERROR);
}

export function outcome(c: AttackClient, problems: string[], stopped = ended(c), extra = ''): Outcome {
  return { seen: extra ? `${c.describe()}; ${extra}` : c.describe(), stopped, problems };
}

/** Now + ms, for the attacks' send deadlines. */
export function after(ms: number): number {
  return Date.now() + ms;
}
