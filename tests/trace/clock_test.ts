import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../trace/mod.ts";

Deno.test("system clock: microseconds since the epoch, monotonic, sub-millisecond", () => {
  const before = Date.now() * 1000;
  let last = systemClock.now();
  assert.ok(Math.abs(last - before) < 60_000_000, "within a minute of Date.now()");
  let sawFraction = false;
  for (let i = 0; i < 10_000; i++) {
    const now = systemClock.now();
    assert.ok(now >= last, "never goes back");
    if (Math.floor(now / 1000) === Math.floor(last / 1000) && now !== last) sawFraction = true;
    last = now;
  }
  assert.ok(sawFraction, "two readings within one millisecond differ: sub-ms precision");
});

Deno.test("manual clock: set and advance", () => {
  const clock = new ManualClock();
  assert.equal(clock.now(), 0);
  clock.advance(1.5);
  assert.equal(clock.now(), 1.5);
  clock.set(10);
  clock.advance(-3);
  assert.equal(clock.now(), 7);
});
