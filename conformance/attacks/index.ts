// Every attack of the suite, in the order the test and the comparison run them.
import { continuationFlood, hugeHeaderBlock } from './continuation-flood.js';
import { pingFlood, resetFlood, settingsFlood } from './control-floods.js';
import { dataBuffering, dataDribble } from './data-flow.js';
import { emptyFrames, emptyHeaderNames } from './empty-frames.js';
import { hpackBomb, oversizedHeaderList } from './header-list.js';
import { madeYouResetHeaders, madeYouResetWindow } from './made-you-reset.js';
import { priorityChurn, priorityChurnUnlimited } from './priority-churn.js';
import { rapidReset } from './rapid-reset.js';
import { slowloris } from './slowloris.js';
import { streamFlood } from './stream-flood.js';
import type { Attack } from './types.js';

export const ATTACKS: Attack[] = [
  rapidReset,
  madeYouResetWindow,
  madeYouResetHeaders,
  streamFlood,
  continuationFlood,
  hugeHeaderBlock,
  hpackBomb,
  oversizedHeaderList,
  pingFlood,
  settingsFlood,
  resetFlood,
  emptyFrames,
  emptyHeaderNames,
  dataDribble,
  dataBuffering,
  priorityChurn,
  priorityChurnUnlimited,
  slowloris,
];

export { runAttack, type AttackResult } from './harness.js';
export type { Attack, Budget, Measures, Outcome } from './types.js';
