// The web UI's one HTML page (every UI path serves it; the script draws the page the path
// names).

/** The page. */
export const UI_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spanwire all-in-one</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<header class="top">
  <div class="brand">spanwire <span>all-in-one</span></div>
  <nav><a href="/search">Search</a></nav>
  <form id="lookup"><input name="id" placeholder="Lookup by Trace ID…" aria-label="Trace ID" spellcheck="false"></form>
  <div class="stats" id="stats"></div>
</header>
<main></main>
<script src="/static/app.js"></script>
</body>
</html>
`;
