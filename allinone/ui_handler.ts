/**
 * The all-in-one's HTTP handler: Jaeger's query API (`/api/...`) and the web UI (`/search`,
 * `/trace/<traceID>`, its script and stylesheet), as one pure `(Request) => Response`. The UI
 * needs no build step and no CDN: its page, script and stylesheet are strings in this package.
 *
 * @module
 */

import { UI_CSS } from "./_ui_css.ts";
import { UI_HTML } from "./_ui_html.ts";
import { UI_JS } from "./_ui_js.ts";
import { createQueryHandler } from "./query_api.ts";
import type { TraceStore } from "./trace_store.ts";

function text(body: string, type: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: { "content-type": `${type}; charset=utf-8`, "cache-control": "no-cache" },
  });
}

/**
 * Makes the handler of the UI and the query API over a store.
 *
 * @param store The store.
 * @returns The handler: `/` redirects to `/search`; `/search` and `/trace/<id>` give the page;
 * `/static/app.js` and `/static/app.css` its assets; `/api/...` the query API; anything else 404.
 *
 * @example
 * ```ts
 * import { createUiHandler, TraceStore } from "@spanwire/trace/allinone";
 * import assert from "node:assert/strict";
 *
 * const ui = createUiHandler(new TraceStore());
 * const page = await ui(new Request("http://x/search"));
 * assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
 * assert.match(await page.text(), /<script src="\/static\/app\.js">/);
 * assert.deepEqual((await ui(new Request("http://x/api/services")).json()).data, []);
 * ```
 */
export function createUiHandler(store: TraceStore): (request: Request) => Response {
  const api = createQueryHandler(store);
  return (request: Request): Response => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path.startsWith("/api/")) return api(request);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return text("method not allowed\n", "text/plain", 405);
    }
    if (path === "/") return new Response(null, { status: 302, headers: { location: "/search" } });
    if (path === "/search" || path === "/search/" || /^\/trace\/[^/]+\/?$/.test(path)) {
      return text(UI_HTML, "text/html");
    }
    if (path === "/static/app.js") return text(UI_JS, "text/javascript");
    if (path === "/static/app.css") return text(UI_CSS, "text/css");
    return text("not found\n", "text/plain", 404);
  };
}
