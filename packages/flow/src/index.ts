export * from './defaults.js';
export { checkIncrement, increaseWindow, adjustWindow, initialWindowDelta } from './window.js';
export { SendWindow, sendable, consumeSent, applyInitialWindowDelta } from './send-window.js';
export { ReceiveWindow, ReceivePolicy, TunerSample, type ReceiveWindowOptions } from './receive-window.js';
export { WindowTuner, type WindowTunerOptions } from './tuner.js';
export { sharedStreamWindow } from './share.js';
