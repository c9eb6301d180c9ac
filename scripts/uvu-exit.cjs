// Preloaded by the test command (`uvu -r tsx -r $PWD/scripts/uvu-exit.cjs`): ends the process once uvu has printed its
// totals, so a test that leaves a socket or timer open cannot hang CI. It names what was left open.
const runner = require('uvu/run');
const run = runner.run;
runner.run = async function runThenExit(...args) {
  await run.apply(this, args);
  const benign = new Set(['TTYWrap', 'PipeWrap', 'FSReqCallback', 'Timeout', 'Immediate']);
  const open = process.getActiveResourcesInfo().filter((r) => !benign.has(r));
  if (open.length > 0) console.log(`  (tests left open: ${open.join(', ')}; exiting anyway)`);
  process.exit(process.exitCode ?? 0);
};
