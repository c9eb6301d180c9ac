import type { WorkMeter } from './fair-queue.js';
import { linkChild, type SiblingGroup, type TreeNode } from './tree-node.js';

/** Moves every member of `from` into `to`, re-basing queued members' keys onto `to`'s clock. */
function moveMembers(from: SiblingGroup, to: SiblingGroup, meter: WorkMeter): void {
  let work = 0;
  for (let n = from.first; n !== null; ) {
    const next = n.next;
    linkChild(to, n);
    n = next;
    work++;
  }
  const shift = to.vtime - from.vtime;
  for (const n of from.heap.items) {
    n.key += shift;
    work += 1 + to.heap.push(n);
  }
  from.heap.clear();
  from.first = null;
  from.size = 0;
  meter.work += work;
}

/**
 * Makes every child of `from` a child of `to` (they keep their weights and subtrees). The smaller of the
 * two child groups is moved into the larger, and the larger changes owner if needed, so each call costs
 * O(smaller group), O(log n) amortized per child over any sequence of calls.
 */
export function adoptChildren(to: TreeNode, from: TreeNode, meter: WorkMeter): void {
  const mine = to.kids;
  const theirs = from.kids;
  if (theirs.size === 0) return;
  if (mine.size >= theirs.size) {
    moveMembers(theirs, mine, meter);
    return;
  }
  moveMembers(mine, theirs, meter);
  // Swap the groups: `to` takes over the (now larger) group, `from` keeps the emptied one.
  to.kids = theirs;
  theirs.owner = to;
  from.kids = mine;
  mine.owner = from;
  meter.work++;
}
