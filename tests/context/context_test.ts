// The implicit context: the storage that `./context` installs keeps the current span context
// across every kind of asynchronous continuation, isolates concurrent chains, and shares one
// frame with another layer (the `foreign` slot); the synchronous fallback of the seam.

import assert from "node:assert/strict";
import {
  contextStorage,
  currentFrame,
  currentSpanContext,
  currentSpanRecorder,
  installContextStorage,
  runWithFrame,
  withSpanContext,
  withSpanRecorder,
} from "../../context/mod.ts";
import { SpanContext } from "../../trace/span_context.ts";
import { SpanRecorder } from "../../trace/span_recorder.ts";

const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("importing ./context installs the AsyncLocalStorage storage", () => {
  assert.equal(contextStorage().name, "AsyncLocalStorage");
  assert.equal(currentSpanContext(), undefined);
});

Deno.test("the context survives await, timers, promise chains, microtasks and streams", async () => {
  const ctx = SpanContext.root();
  const seen: (SpanContext | undefined)[] = [];
  await withSpanContext(ctx, async () => {
    seen.push(currentSpanContext());
    await tick();
    seen.push(currentSpanContext());
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        seen.push(currentSpanContext());
        resolve();
      }, 1)
    );
    await Promise.resolve().then(() => seen.push(currentSpanContext()));
    queueMicrotask(() => seen.push(currentSpanContext()));
    await tick();
    // A streamed body: chunks pulled later, by whoever reads the stream.
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller): Promise<void> {
        await tick();
        seen.push(currentSpanContext());
        if (n++ < 2) controller.enqueue(new Uint8Array(1));
        else controller.close();
      },
    });
    await new Response(body).arrayBuffer();
  });
  assert.equal(seen.length, 8);
  for (const s of seen) assert.equal(s, ctx);
  assert.equal(currentSpanContext(), undefined);
});

Deno.test("200 interleaved chains each keep their own context", async () => {
  const roots = Array.from({ length: 200 }, () => SpanContext.root());
  const results = await Promise.all(roots.map((root, i) =>
    withSpanContext(root, async () => {
      await tick(i % 7);
      const inner = root.child("step").ctx;
      const innerSeen = await withSpanContext(inner, async () => {
        await tick((i * 3) % 5);
        return currentSpanContext();
      });
      await tick(i % 3);
      return [currentSpanContext(), inner, innerSeen] as const;
    })
  ));
  results.forEach(([outer, inner, innerSeen], i) => {
    assert.equal(outer, roots[i]);
    assert.equal(innerSeen, inner);
  });
});

Deno.test("withSpanRecorder makes the recorder and its span current", async () => {
  const recorder = new SpanRecorder(SpanContext.root().child("job"));
  await withSpanRecorder(recorder, async () => {
    await tick();
    assert.equal(currentSpanRecorder(), recorder);
    assert.equal(currentSpanContext(), recorder.span?.ctx);
    // withSpanContext below it: a new span context, no recorder.
    withSpanContext(SpanContext.root(), () => assert.equal(currentSpanRecorder(), undefined));
  });
  // A no-op recorder keeps the enclosing context (an unsampled decision, say).
  const unsampled = SpanContext.root(undefined, { sampled: false });
  withSpanContext(unsampled, () =>
    withSpanRecorder(new SpanRecorder(), () => {
      assert.equal(currentSpanContext(), unsampled);
    }));
});

Deno.test("a second layer's value rides in the same frame and is kept by spanwire's helpers", async () => {
  const outer = SpanContext.root();
  const inner = outer.child("inner").ctx;
  const otel = { otelContext: true, madeFor: outer };
  await runWithFrame({ spanContext: outer, recorder: undefined, foreign: otel }, async () => {
    await tick();
    assert.equal(currentFrame()?.foreign, otel);
    await withSpanContext(inner, async () => {
      await tick();
      const frame = currentFrame();
      assert.equal(frame?.foreign, otel); // kept...
      assert.equal(frame?.spanContext, inner); // ...and stale: the layer compares
      assert.notEqual(otel.madeFor, frame?.spanContext);
    });
  });
});

Deno.test("the synchronous fallback: active while the function runs synchronously", async () => {
  const before = installContextStorage(undefined);
  try {
    assert.equal(contextStorage().name, "synchronous");
    const ctx = SpanContext.root();
    let afterAwait: SpanContext | undefined = ctx;
    const done = withSpanContext(ctx, async () => {
      assert.equal(currentSpanContext(), ctx);
      await tick();
      afterAwait = currentSpanContext();
    });
    assert.equal(currentSpanContext(), undefined);
    await done;
    assert.equal(afterAwait, undefined);
    // Restored after a throw.
    assert.throws(() =>
      withSpanContext(ctx, () => {
        throw new Error("boom");
      }), /boom/);
    assert.equal(currentSpanContext(), undefined);
  } finally {
    installContextStorage(before);
  }
});
