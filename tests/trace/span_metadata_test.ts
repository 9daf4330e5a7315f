// A span's metadata behaves as one `Map` (the reference here is a real `Map` given the same
// calls), whether it is still in the span's light list, has moved into a `Map` because it was
// read as one, or because it grew past the list's limit; `metadataView` sees the same entries.

import assert from "node:assert/strict";
import { Span } from "../../trace/mod.ts";
import type { MetadataValue, MetadataView } from "../../trace/mod.ts";
import { MAX_LISTED_ENTRIES } from "../../trace/_metadata_list.ts";

function entriesOf(view: MetadataView): [string, MetadataValue][] {
  const out: [string, MetadataValue][] = [];
  view.forEach((value, key) => out.push([key, value]));
  return out;
}

/** A small deterministic generator, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

Deno.test("span metadata: the same entries, order and values as a Map given the same calls", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const rand = lcg(seed);
    const span = Span.root("s");
    const reference = new Map<string, MetadataValue>();
    const keys = Math.floor(rand() * 40) + 1; // past the list's limit in some runs
    const calls = Math.floor(rand() * 60);
    for (let i = 0; i < calls; i++) {
      const key = `k${Math.floor(rand() * keys)}`;
      const value = i;
      if (rand() < 0.1) span.metadata.set(key, value); // through the Map
      else span.setMetadata(key, value);
      reference.set(key, value);
      const view = span.metadataView;
      assert.equal(view.size, reference.size, `seed ${seed}`);
      assert.equal(view.get(key), value);
      assert.ok(view.has(key));
      assert.equal(view.has("absent"), false);
      assert.equal(view.get("absent"), undefined);
    }
    assert.deepEqual(entriesOf(span.metadataView), [...reference], `seed ${seed}`);
    assert.deepEqual([...span.metadata], [...reference], `seed ${seed}`);
    assert.ok(span.metadata instanceof Map);
  }
});

Deno.test("span metadata: the Map is made once and stays the span's", () => {
  const span = Span.root("s").setMetadata("a", 1);
  const map = span.metadata;
  assert.equal(span.metadata, map);
  span.setMetadata("b", 2);
  map.delete("a");
  assert.deepEqual([...span.metadata], [["b", 2]]);
  assert.deepEqual(entriesOf(span.metadataView), [["b", 2]]);
});

Deno.test("span metadata: a view reflects later changes, before and after the Map", () => {
  const span = Span.root("s");
  const before = span.metadataView;
  span.setMetadata("a", 1);
  assert.equal(before.get("a"), 1);
  for (let i = 0; i <= MAX_LISTED_ENTRIES; i++) span.setMetadata(`k${i}`, i);
  // past the limit the entries moved into a Map: a new view sees them all
  assert.equal(span.metadataView.size, MAX_LISTED_ENTRIES + 2);
  assert.equal(span.metadataView, span.metadata);
});

Deno.test("span metadata: forEach passes thisArg and setting a key again keeps its place", () => {
  const span = Span.root("s").setMetadata("a", 1).setMetadata("b", 2).setMetadata("a", 3);
  const target = { seen: [] as string[] };
  span.metadataView.forEach(function (this: typeof target, value, key): void {
    this.seen.push(`${key}=${value}`);
  }, target);
  assert.deepEqual(target.seen, ["a=3", "b=2"]);
});
