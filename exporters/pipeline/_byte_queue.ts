// The exporter's queue of encoded spans: a FIFO of byte strings, bounded in count and in bytes,
// stored back to back in 64 KiB chunks (one allocation for hundreds of spans, no object per
// span) with their lengths in a ring of int32. A span never straddles two chunks, so a run of
// spans is copied out chunk by chunk.

/** The size of a chunk; a larger span gets a chunk of its own size. */
export const CHUNK_BYTES = 64 * 1024;
/**
 * Emptied chunks kept for reuse. Fresh chunks are memory outside V8's heap, and V8 starts a full
 * (mark-compact) collection when that memory grows past its limit: under Deno, a burst of 20,000
 * spans a round made one such collection nearly every round, at 10-17 ms each (about 0.6 µs a
 * span), until the chunks were reused (`--trace-gc` on the pipeline bench's rounds).
 *
 * So the queue keeps, when it empties, as many chunks as its last burst used (`#peak`): the next
 * burst of the same size allocates nothing. At least MIN_SPARE_CHUNKS (1 MiB), at most
 * MAX_SPARE_BYTES; a smaller burst shrinks the pool to its own size.
 */
export const MIN_SPARE_CHUNKS = 16;
/** The most memory kept in emptied chunks (8 MiB: about 25,000 standard spans). */
export const MAX_SPARE_BYTES = 8 << 20;
const MAX_SPARE_CHUNKS = MAX_SPARE_BYTES / CHUNK_BYTES;

interface Chunk {
  buf: Uint8Array;
  /** Bytes written (spans end here). */
  fill: number;
}

/** A bounded FIFO of byte strings (encoded spans). */
export class ByteQueue {
  readonly maxCount: number;
  readonly maxBytes: number;
  #chunks: Chunk[] = [];
  #spare: Uint8Array[] = [];
  /** The most chunks in use since the queue last went empty. */
  #peak = 0;
  /** How many emptied chunks to keep (see MIN_SPARE_CHUNKS). */
  #keep = MIN_SPARE_CHUNKS;
  /** Read offset in the first chunk. */
  #read = 0;
  #lengths = new Int32Array(1024);
  #lenHead = 0;
  #count = 0;
  #bytes = 0;

  constructor(maxCount: number, maxBytes: number) {
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
  }

  /** Queued byte strings. */
  get length(): number {
    return this.#count;
  }

  /** Emptied chunks kept for reuse (for tests). */
  get spareChunks(): number {
    return this.#spare.length;
  }

  /** Their total size. */
  get byteLength(): number {
    return this.#bytes;
  }

  /** Appends a copy of `bytes`; false (nothing queued) when a bound would be exceeded. */
  push(bytes: Uint8Array): boolean {
    const n = bytes.length;
    if (this.#count >= this.maxCount || this.#bytes + n > this.maxBytes) return false;
    const chunks = this.#chunks;
    let tail = chunks[chunks.length - 1];
    if (tail === undefined || tail.buf.length - tail.fill < n) {
      const buf = n <= CHUNK_BYTES
        ? (this.#spare.pop() ?? new Uint8Array(CHUNK_BYTES))
        : new Uint8Array(n);
      tail = { buf, fill: 0 };
      chunks.push(tail);
      if (chunks.length === 1) this.#read = 0;
      if (chunks.length > this.#peak) this.#peak = chunks.length;
    }
    const buf = tail.buf;
    const at = tail.fill;
    if (n <= 64) {
      for (let i = 0; i < n; i++) buf[at + i] = bytes[i]!;
    } else {
      buf.set(bytes, at);
    }
    tail.fill = at + n;
    this.#pushLength(n);
    this.#bytes += n;
    return true;
  }

  #pushLength(n: number): void {
    let ring = this.#lengths;
    if (this.#count === ring.length) {
      const next = new Int32Array(ring.length * 2);
      for (let i = 0; i < this.#count; i++) next[i] = ring[(this.#lenHead + i) % ring.length]!;
      this.#lengths = ring = next;
      this.#lenHead = 0;
    }
    ring[(this.#lenHead + this.#count) % ring.length] = n;
    this.#count++;
  }

  /** The length of the `i`-th queued string (0 = oldest). */
  lengthAt(i: number): number {
    const ring = this.#lengths;
    return ring[(this.#lenHead + i) % ring.length]!;
  }

  /**
   * Removes the `count` oldest strings, whose lengths total `bytes`, copying them back to back
   * into `out` at `at` (or discarding them when `out` is undefined).
   */
  take(count: number, bytes: number, out: Uint8Array | undefined, at: number): void {
    let left = bytes;
    while (left > 0) {
      const chunk = this.#chunks[0]!;
      const run = Math.min(left, chunk.fill - this.#read);
      if (out !== undefined) out.set(chunk.buf.subarray(this.#read, this.#read + run), at);
      at += run;
      left -= run;
      this.#read += run;
      if (this.#read === chunk.fill && (this.#chunks.length > 1 || left === 0)) this.#dropHead();
    }
    this.#lenHead = (this.#lenHead + count) % this.#lengths.length;
    this.#count -= count;
    this.#bytes -= bytes;
    if (this.#count === 0) this.#emptied();
  }

  /**
   * The queue went empty: its chunks are kept for reuse, and the next burst may use as many
   * chunks as this one did.
   */
  #emptied(): void {
    // (after take(), only zero-length strings leave a chunk undropped)
    for (const chunk of this.#chunks) this.#recycle(chunk.buf);
    this.#chunks.length = 0;
    this.#read = 0;
    this.#keep = Math.min(Math.max(MIN_SPARE_CHUNKS, this.#peak), MAX_SPARE_CHUNKS);
    this.#peak = 0;
    if (this.#spare.length > this.#keep) this.#spare.length = this.#keep;
  }

  /** Keeps an emptied chunk, up to the larger of the last burst's and this one's size. */
  #recycle(buf: Uint8Array): void {
    const limit = Math.min(Math.max(this.#keep, this.#peak), MAX_SPARE_CHUNKS);
    if (buf.length === CHUNK_BYTES && this.#spare.length < limit) this.#spare.push(buf);
  }

  #dropHead(): void {
    this.#recycle(this.#chunks.shift()!.buf);
    this.#read = 0;
  }

  /** Removes everything; returns how many strings were dropped. */
  clear(): number {
    const n = this.#count;
    this.#emptied();
    this.#lenHead = 0;
    this.#count = 0;
    this.#bytes = 0;
    return n;
  }
}
