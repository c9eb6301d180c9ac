/**
 * Stream receive windows that share a budget: the window target of each open stream when `streams` streams of one
 * connection are open — `budget` ÷ streams (0 counts as 1), never below `floor` (the SETTINGS_INITIAL_WINDOW_SIZE in
 * force, which the peer assumes anyway), so above `budget` only when `floor` is.
 *
 * Why: with one large window per stream, a peer that interleaves its streams fairly (as most servers do) spreads its
 * bandwidth over all of them, so none finishes early; a proxy forwarding those responses in order then waits on the
 * slowest and its pipeline stalls (strand-proxy, 40 one-MiB downloads over one backend connection: 10 % of both
 * cores idle). A lone stream still gets the whole budget, so one large download runs as fast as before.
 */
export function sharedStreamWindow(budget: number, streams: number, floor: number): number {
  const share = Math.floor(budget / (streams > 1 ? streams : 1));
  return share > floor ? share : floor;
}
