// The web UI in a real browser: headless Chromium (Debian's `chromium`, or CHROME_PATH) driven by
// puppeteer-core. The search page lists services, finds traces and labels each by its root's
// service; a trace page shows the waterfall with each span's service, errors highlighted,
// collapsible subtrees and a span's details (tags, logs, process, references); a trace of
// 5,000 spans renders completely (its time is printed, not asserted: timings are not tests).
// Without Chromium these tests are skipped with a message. SPANWIRE_SCREENSHOTS=DIR saves
// screenshots of both pages at 1366x768.

import assert from "node:assert/strict";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { type AllInOne, startAllInOne } from "../../allinone/mod.ts";
import { bigTrace, ioxQuery } from "./_synthetic.ts";

function findChromium(): string | undefined {
  const candidates = [
    Deno.env.get("CHROME_PATH"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  for (const path of candidates) {
    if (path === undefined || path === "") continue;
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there
    }
  }
  return undefined;
}

const chromium = findChromium();
if (chromium === undefined) {
  console.log(
    "browser_test: skipping the browser tests: no Chromium found (apt-get install chromium, " +
      "or set CHROME_PATH)",
  );
}
const shots = Deno.env.get("SPANWIRE_SCREENSHOTS");

const id = (low: bigint): string => "0af7651916cd43dd" + low.toString(16).padStart(16, "0");

async function withUi(fn: (page: Page, base: string) => Promise<void>): Promise<void> {
  // One all-in-one and one Chromium for every check (a browser start is the costly part).
  const now = BigInt(Date.now()) * 1000n;
  const aio: AllInOne = await startAllInOne({
    ports: { "jaeger.compact": null, "jaeger.binary": null, otlp: null, ui: 0 },
  });
  for (let i = 1; i <= 6; i++) {
    const batches = ioxQuery(
      BigInt(i),
      now - BigInt((7 - i) * 30_000_000),
      40 * i,
      i === 4 ? 2 : 0,
    );
    for (const b of batches) aio.ingest(b, "jaeger.compact");
  }
  for (const b of bigTrace(99n, now - 500_000_000n, 5000)) aio.ingest(b, "jaeger.compact");
  const profile = await Deno.makeTempDir({ prefix: "spanwire-chromium-" });
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath: chromium!,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        `--user-data-dir=${profile}`,
      ],
    });
    const page = await browser.newPage();
    await page.setViewport({ width: 1366, height: 768 });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await fn(page, aio.listener("ui")!.url);
    assert.deepEqual(errors, [], "no script errors in the page");
  } finally {
    await browser?.close();
    await aio.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

const texts = (page: Page, selector: string): Promise<string[]> =>
  page.$$eval(selector, (els) => els.map((e) => (e as HTMLElement).innerText.trim()));

Deno.test({
  name: "browser: the web UI in headless Chromium",
  ignore: chromium === undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: (t) =>
    withUi(async (page, base) => {
      await t.step(
        "search, pick a service, open a trace, see spans and a span's details",
        async () => {
          await page.goto(`${base}/search`);
          await page.waitForSelector("#service option[value='iox-router']");
          const services = await page.$$eval(
            "#service option",
            (os) => os.map((o) => (o as HTMLOptionElement).value),
          );
          assert.deepEqual(services, [
            "",
            "influx-cli",
            "iox-compactor",
            "iox-ingester",
            "iox-querier",
            "iox-router",
          ]);
          await page.select("#service", "iox-router");
          await page.waitForSelector("#operation option[value='GET /api/v2/query']");
          await page.click("#find");
          await page.waitForFunction(() => document.querySelectorAll("a.result").length === 6);
          // Each trace labelled by its root's service (the cli), not by the service searched.
          const titles = await texts(page, "a.result .rtitle");
          assert.deepEqual(new Set(titles), new Set(["influx-cli: cli query"]));
          assert.match((await texts(page, ".reshead h3"))[0]!, /^6 Traces$/);
          assert.equal((await page.$$(".scatter circle")).length, 6);
          const first = await texts(page, "a.result .rbody");
          assert.match(first[0]!, /245 Spans/); // newest: 6 * 40 partitions + 5
          assert.match(first.join("\n"), /165 Spans\n4 Errors/);
          if (shots) await page.screenshot({ path: `${shots}/search.png` });

          // Open the trace with errors (4th: 165 spans).
          const href = `/trace/${id(4n)}`;
          await page.click(`a.result[href='${href}']`);
          await page.waitForSelector("body[data-rendered='165']");
          assert.equal(new URL(page.url()).pathname, href);
          const facts = (await texts(page, ".facts"))[0]!;
          assert.match(facts, /Services 3/);
          assert.match(facts, /Total spans 165/);
          assert.match(facts, /Errors 4/);
          const rows = await texts(page, ".row .nm");
          assert.match(rows[0]!, /influx-cli\s*cli query/);
          assert.ok(rows.some((r) => /iox-router\s*GET \/api\/v2\/query/.test(r)), rows.join("\n"));
          assert.ok(rows.some((r) => /iox-querier\s*scan partition\s*partition=1000/.test(r)));
          assert.equal((await page.$$(".row.err")).length, 4, "the error spans are highlighted");

          // A failing partition span's details.
          await page.click(".row.err[data-span] .op:not(:empty)");
          const errRows = await page.$$(".row.err");
          await errRows[2]!.click();
          await page.waitForSelector("#detail:not([hidden]) h2");
          const detail = (await texts(page, "#detail"))[0]!;
          assert.match(detail, /scan partition/);
          assert.match(detail, /Error: partition 1000: object store timeout/);
          assert.match(detail, /partition\s+1000/);
          assert.match(detail, /event\s+object store timeout/);
          assert.match(detail, /hostname\s+querier-1/);
          assert.match(detail, /CHILD_OF/);
          if (shots) await page.screenshot({ path: `${shots}/trace.png` });

          // Collapse the "execute" subtree (its 160 partitions), then find spans by tag.
          const before = (await page.$$(".row")).length;
          await page.$$eval(".row", (els) => {
            const row = els.find((e) => /execute/.test((e as HTMLElement).innerText));
            (row!.querySelector("[data-tog]") as HTMLElement).click();
          });
          await page.waitForFunction(() =>
            /of 165 spans shown/.test(document.querySelector("#count")!.textContent!)
          );
          assert.ok((await page.$$(".row")).length < before);
          assert.match((await texts(page, "#count"))[0]!, /^5 of 165 spans shown$/);
          // The header's trace id lookup opens a trace page.
          await page.type("#lookup input", id(2n));
          await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
          assert.equal(new URL(page.url()).pathname, `/trace/${id(2n)}`);
          await page.waitForSelector("body[data-rendered='85']");
          await page.goBack();
          await page.waitForSelector("body[data-rendered='165']");
          await page.$$eval(".row", (els) => {
            const row = els.find((e) => /execute/.test((e as HTMLElement).innerText));
            (row!.querySelector("[data-tog]") as HTMLElement).click();
          });
          await page.type("#find", "partition=1001");
          await page.waitForFunction(() =>
            /match/.test(document.querySelector("#count")!.textContent!)
          );
          assert.match((await texts(page, "#count"))[0]!, /^1 of 165 spans match$/);
        },
      );
      await t.step("a trace of 5,000 spans renders completely", async () => {
        await page.goto(`${base}/trace/${id(99n)}`);
        await page.waitForSelector("body[data-rendered='5000']", { timeout: 30_000 });
        const timing = await page.evaluate(() =>
          (globalThis as unknown as { __spanwire: unknown }).__spanwire
        );
        const nav = await page.evaluate(() => {
          const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          return performance.now() - n.startTime;
        });
        console.log(
          `browser: 5,000-span trace: ${JSON.stringify(timing)}, ${
            nav.toFixed(0)
          } ms from navigation start`,
        );
        assert.match((await texts(page, "#count"))[0]!, /^5000 spans$/);
        assert.match((await texts(page, ".facts"))[0]!, /Total spans 5000/);
        // Every row is reachable: scroll to the end and the last one is drawn.
        await page.$eval("#scroll", (el) => (el.scrollTop = el.scrollHeight));
        await page.waitForSelector(".row[data-i='4999']");
        const height = await page.$eval("#rows", (el) => (el as HTMLElement).style.height);
        assert.equal(height, `${5000 * 26}px`);
        if (shots) await page.screenshot({ path: `${shots}/big.png` });
      });
    }),
});
