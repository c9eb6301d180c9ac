import type { PriorityTreeOptions } from './priority-tree.js';
import { TreeScheduler } from './tree-scheduler.js';
import type { StreamScheduler } from './types.js';
import { UrgencyScheduler, type UrgencySchedulerOptions } from './urgency-scheduler.js';

export type SchedulerOptions = PriorityTreeOptions & UrgencySchedulerOptions;

/**
 * The scheduler for a connection: 'rfc9218' (the default: urgency buckets, for peers that send
 * SETTINGS_NO_RFC7540_PRIORITIES = 1 or the `priority` header) or 'rfc7540' (the dependency tree).
 */
export function createScheduler(kind: 'rfc9218' | 'rfc7540' = 'rfc9218', options: SchedulerOptions = {}): StreamScheduler {
  return kind === 'rfc7540' ? new TreeScheduler(options) : new UrgencyScheduler(options);
}
