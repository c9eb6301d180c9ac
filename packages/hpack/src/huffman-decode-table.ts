import { EOS_SYMBOL, HUFFMAN_CODES, HUFFMAN_CODE_LENGTHS, SYMBOL_COUNT } from './huffman-code.js';

/**
 * A byte-at-a-time Huffman decoding automaton, built once at module load from Appendix B.
 *
 * States are the internal nodes of the code tree (exactly 256 of them for 257 symbols; state 0 is
 * the root, i.e. "at a symbol boundary"). For every (state, input byte) pair the table holds the
 * result of walking those 8 bits: the state reached, the 0–2 symbols completed on the way (the
 * shortest code is 5 bits, so at most two fit in one byte), whether EOS was met, and whether the
 * state reached is a valid place for the string to end (§5.2: at the root, or after 1–7 padding
 * bits that are the most significant bits of EOS, i.e. all ones).
 *
 * Entry layout (Uint32):
 *   bits 0–7   next state
 *   bits 8–15  first symbol emitted
 *   bits 16–23 second symbol emitted
 *   bits 24–25 number of symbols emitted (0, 1, 2)
 *   bit  26    EOS decoded (a decoding error)
 *   bit  27    next state may end the string
 */
export const ENTRY_EMIT_COUNT_SHIFT = 24;
export const ENTRY_EOS = 1 << 26;
export const ENTRY_ACCEPTS = 1 << 27;

const STATE_COUNT = 256;

/** Children of each internal node, two per node: >= 0 is an internal node, < 0 is leaf ~symbol. */
const children = new Int32Array(STATE_COUNT * 2);
/** Whether the path from the root to a node is all ones (the prefix of EOS), and its depth. */
const onOnesPath = new Uint8Array(STATE_COUNT);
const depthOf = new Uint8Array(STATE_COUNT);

function buildTree(): void {
  let nodeCount = 1;
  onOnesPath[0] = 1;
  for (let symbol = 0; symbol < SYMBOL_COUNT; symbol++) {
    const code = HUFFMAN_CODES[symbol]!;
    const length = HUFFMAN_CODE_LENGTHS[symbol]!;
    let node = 0;
    for (let i = length - 1; i > 0; i--) {
      const bit = Math.floor(code / 2 ** i) & 1;
      let next = children[node * 2 + bit]!;
      if (next === 0) {
        next = nodeCount++;
        children[node * 2 + bit] = next;
        depthOf[next] = depthOf[node]! + 1;
        onOnesPath[next] = onOnesPath[node]! & bit;
      }
      node = next;
    }
    children[node * 2 + (code & 1)] = ~symbol;
  }
  if (nodeCount !== STATE_COUNT) throw new Error(`Huffman tree has ${nodeCount} internal nodes, expected ${STATE_COUNT}`);
}

function buildTransitions(): Uint32Array {
  const table = new Uint32Array(STATE_COUNT * 256);
  for (let state = 0; state < STATE_COUNT; state++) {
    for (let byte = 0; byte < 256; byte++) {
      let node = state;
      let emitted = 0;
      let entry = 0;
      for (let bit = 7; bit >= 0; bit--) {
        const child = children[node * 2 + ((byte >> bit) & 1)]!;
        if (child >= 0) {
          node = child;
          continue;
        }
        const symbol = ~child;
        if (symbol === EOS_SYMBOL) entry |= ENTRY_EOS;
        else entry |= symbol << (8 + 8 * emitted++);
        node = 0;
      }
      if (isValidEnd(node)) entry |= ENTRY_ACCEPTS;
      table[(state << 8) | byte] = (entry | (emitted << ENTRY_EMIT_COUNT_SHIFT) | node) >>> 0;
    }
  }
  return table;
}

/** §5.2: a string may end at a symbol boundary or inside at most 7 bits of EOS's all-ones prefix. */
function isValidEnd(state: number): boolean {
  return onOnesPath[state] === 1 && depthOf[state]! <= 7;
}

/** Whether an invalid end state is a too-long run of ones (as opposed to padding that isn't ones). */
export function isOverlongPadding(state: number): boolean {
  return onOnesPath[state] === 1 && depthOf[state]! > 7;
}

buildTree();

/** `TRANSITIONS[(state << 8) | byte]`: see the layout above. */
export const TRANSITIONS: Uint32Array = buildTransitions();
