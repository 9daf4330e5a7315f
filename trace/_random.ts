// Pooled randomness for id generation: one `crypto.getRandomValues` call fills
// many ids, so drawing an id costs two or four array reads.

const POOL_WORDS = 4096; // 16 KiB, well under getRandomValues' 64 KiB limit
const pool = new Uint32Array(POOL_WORDS);
let next = POOL_WORDS;

/** Returns a uniformly random unsigned 32-bit integer from the pool. */
export function randomU32(): number {
  if (next === POOL_WORDS) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  return pool[next++]!;
}
