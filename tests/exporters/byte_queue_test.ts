// The exporter's queue of encoded spans (exporters/pipeline/_byte_queue.ts): FIFO order and its
// bounds, spans copied out across chunk boundaries, and how many emptied chunks it keeps for the
// next burst (as many as the last burst used, between MIN_SPARE_CHUNKS and MAX_SPARE_BYTES).

import assert from "node:assert/strict";
import {
  ByteQueue,
  CHUNK_BYTES,
  MAX_SPARE_BYTES,
  MIN_SPARE_CHUNKS,
} from "../../exporters/pipeline/_byte_queue.ts";

/** A byte string of `n` bytes, each `(seed + i) & 0xff`. */
function bytesOf(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed + i) & 0xff;
  return b;
}

/** Pushes `count` strings of `size` bytes; returns them. */
function fill(q: ByteQueue, count: number, size: number): Uint8Array[] {
  const pushed: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const b = bytesOf(size, i);
    assert.equal(q.push(b), true);
    pushed.push(b);
  }
  return pushed;
}

/** Takes everything, one string at a time, checking each against `expected`. */
function takeAll(q: ByteQueue, expected: Uint8Array[]): void {
  for (const want of expected) {
    const n = q.lengthAt(0);
    assert.equal(n, want.length);
    const out = new Uint8Array(n);
    q.take(1, n, out, 0);
    assert.deepEqual(out, want);
  }
  assert.equal(q.length, 0);
  assert.equal(q.byteLength, 0);
}

Deno.test("ByteQueue gives strings back in order, across chunk boundaries", () => {
  const q = new ByteQueue(100_000, 64 << 20);
  // 1000-byte strings do not divide a chunk: some chunks end with unused bytes
  const pushed = fill(q, 300, 1000);
  assert.equal(q.length, 300);
  assert.equal(q.byteLength, 300_000);
  takeAll(q, pushed);
});

Deno.test("ByteQueue takes a run of strings into one buffer back to back", () => {
  const q = new ByteQueue(100_000, 64 << 20);
  const pushed = fill(q, 200, 700);
  const out = new Uint8Array(200 * 700);
  q.take(200, 200 * 700, out, 0);
  for (let i = 0; i < 200; i++) assert.deepEqual(out.subarray(i * 700, (i + 1) * 700), pushed[i]);
});

Deno.test("ByteQueue refuses what would pass its bounds, and keeps what it had", () => {
  const q = new ByteQueue(3, 250);
  fill(q, 2, 100);
  assert.equal(q.push(bytesOf(100, 9)), false, "bytes bound");
  assert.equal(q.push(bytesOf(50, 9)), true);
  assert.equal(q.push(bytesOf(1, 9)), false, "count bound");
  assert.equal(q.length, 3);
  assert.equal(q.byteLength, 250);
  assert.equal(q.clear(), 3);
  assert.equal(q.length, 0);
});

Deno.test("ByteQueue keeps as many emptied chunks as its last burst used", () => {
  const q = new ByteQueue(1_000_000, 256 << 20);
  const perChunk = CHUNK_BYTES / 1024;
  // a burst over 40 chunks
  takeAll(q, fill(q, 40 * perChunk, 1024));
  assert.equal(q.spareChunks, 40);
  // the next burst of the same size takes them all and allocates none: still 40 afterwards
  fill(q, 40 * perChunk, 1024);
  assert.equal(q.spareChunks, 0);
  q.take(q.length, q.byteLength, undefined, 0);
  assert.equal(q.spareChunks, 40);
  // a smaller burst shrinks the pool to its own size, but not below the minimum
  takeAll(q, fill(q, 20 * perChunk, 1024));
  assert.equal(q.spareChunks, 20);
  takeAll(q, fill(q, 2 * perChunk, 1024));
  assert.equal(q.spareChunks, MIN_SPARE_CHUNKS);
  // a huge burst keeps at most MAX_SPARE_BYTES
  fill(q, 300 * perChunk, 1024);
  assert.equal(q.clear(), 300 * perChunk);
  assert.equal(q.spareChunks, MAX_SPARE_BYTES / CHUNK_BYTES);
});
