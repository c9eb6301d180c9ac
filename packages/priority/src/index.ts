export * from './constants.js';
export type { Priority, PrioritySignal, StreamDependency, StreamScheduler } from './types.js';
export { isDependency } from './types.js';
export { parsePriority, serializePriority } from './priority-field.js';
export { selfDependencyError } from './self-dependency.js';
export { PriorityTree, type PriorityTreeOptions } from './priority-tree.js';
export { TreeScheduler } from './tree-scheduler.js';
export { UrgencyScheduler, type UrgencySchedulerOptions } from './urgency-scheduler.js';
export { createScheduler, type SchedulerOptions } from './create-scheduler.js';
