// The exporter's queue of encoded spans: a FIFO of byte strings, bounded in count and in bytes,
// stored back to back in 64 KiB chunks (one allocation for hundreds of spans, no object per
// span) with their lengths in a ring of int32. A span never straddles two chunks, so a run of
// spans is copied out chunk by chunk.

/** The size of a chunk; a larger span gets a chunk of its own size. */
const CHUNK_BYTES = 64 * 1024;
/**
 * Emptied chunks kept for reuse (1 MiB): a chunk lives until its spans are sent, long enough to
 * be promoted to the old generation, where a fresh one per 64 KiB of spans would count towards
 * the next full collection.
 */
const SPARE_CHUNKS = 16;

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
    if (this.#count === 0) {
      this.#chunks.length = 0;
      this.#read = 0;
    }
  }

  #dropHead(): void {
    const chunk = this.#chunks.shift()!;
    if (chunk.buf.length === CHUNK_BYTES && this.#spare.length < SPARE_CHUNKS) {
      this.#spare.push(chunk.buf);
    }
    this.#read = 0;
  }

  /** Removes everything; returns how many strings were dropped. */
  clear(): number {
    const n = this.#count;
    this.#chunks.length = 0;
    this.#read = 0;
    this.#lenHead = 0;
    this.#count = 0;
    this.#bytes = 0;
    return n;
  }
}
