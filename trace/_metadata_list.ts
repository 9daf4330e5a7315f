// A span's metadata while nobody has asked for it as a `Map`: keys and values side by side in
// one array, in insertion order, with a `Map`'s semantics (setting a key again replaces its
// value in place). A span's first metadata goes here; `Span.metadata` turns it into a `Map` on
// first use, and from then on the `Map` holds it.
//
// Why: a `Map` of the standard span's 8 entries allocates its table twice (V8 starts one at 4
// entries and rebuilds it at the 5th), about 450 bytes a span, and every entry is hashed; here
// the 8 entries fill the 17 slots V8 gives an array on its first push, 152 bytes. Exporters
// read it through `Span.metadataView` without making the `Map`. Measured in one process, the
// standard span recorded (and encoded for OTLP) in alternating old and new processes: Node
// 0.76 -> 0.675 µs a span (2.30 -> 2.18), Deno 0.67 -> 0.62 (1.83 -> 1.75); within noise in the
// whole pipeline (bench/pipeline_bench.ts). README, "Benchmarks", lists it with the other cuts.

import type { MetadataValue, MetadataView } from "./span.ts";

/** Entries past which a span's metadata moves into a `Map` (lookups here are linear). */
export const MAX_LISTED_ENTRIES = 16;

/** Metadata entries in one array: `[key0, value0, key1, value1, ...]`. */
export class MetadataList implements MetadataView {
  readonly #kv: (string | MetadataValue)[] = [];

  /** The number of entries. */
  get size(): number {
    return this.#kv.length >> 1;
  }

  #indexOf(key: string): number {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) if (kv[i] === key) return i;
    return -1;
  }

  has(key: string): boolean {
    return this.#indexOf(key) >= 0;
  }

  get(key: string): MetadataValue | undefined {
    const i = this.#indexOf(key);
    return i < 0 ? undefined : this.#kv[i + 1] as MetadataValue;
  }

  /** Sets `key` to `value` (in place when present, else appended). */
  set(key: string, value: MetadataValue): void {
    const i = this.#indexOf(key);
    if (i >= 0) this.#kv[i + 1] = value;
    else this.#kv.push(key, value);
  }

  forEach(
    callback: (value: MetadataValue, key: string) => void,
    thisArg?: unknown,
  ): void {
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) {
      callback.call(thisArg, kv[i + 1] as MetadataValue, kv[i] as string);
    }
  }

  /** A `Map` of the same entries, in the same order. */
  toMap(): Map<string, MetadataValue> {
    const map = new Map<string, MetadataValue>();
    const kv = this.#kv;
    for (let i = 0; i < kv.length; i += 2) map.set(kv[i] as string, kv[i + 1] as MetadataValue);
    return map;
  }
}
