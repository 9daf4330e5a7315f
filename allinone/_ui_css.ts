// The web UI's stylesheet (served as /static/app.css). No build step, no CDN: system fonts.

/** The stylesheet. */
export const UI_CSS: string = String.raw`
:root {
  --bg: #f6f7f9; --panel: #fff; --text: #1d2330; --muted: #667085; --line: #e4e7ec;
  --accent: #3b5bdb; --accent-soft: #edf2ff; --err: #d92d20; --err-soft: #fef3f2;
  --warn: #b54708; --row: 26px;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body {
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--text); background: var(--bg); display: flex; flex-direction: column;
}
a { color: var(--accent); text-decoration: none; }
header.top {
  display: flex; align-items: center; gap: 18px; padding: 0 18px; height: 46px; flex: none;
  background: #1b2232; color: #e8ecf4;
}
header.top .brand { font-weight: 700; letter-spacing: .2px; color: #fff; font-size: 15px; }
header.top .brand span { color: #8fa8ff; font-weight: 500; }
header.top nav a { color: #c9d2e3; padding: 6px 10px; border-radius: 6px; }
header.top nav a.on, header.top nav a:hover { background: #2c3550; color: #fff; }
header.top #lookup input {
  width: 250px; background: #2c3550; border-color: #3a4566; color: #e8ecf4; padding: 5px 9px;
  font-family: var(--mono); font-size: 12px;
}
header.top #lookup input::placeholder { color: #8d98b3; font-family: inherit; }
header.top .stats { margin-left: auto; color: #9aa6bd; font-size: 12px; }
header.top .stats .drop { color: #fdb022; }
main { flex: 1; min-height: 0; display: flex; }
.muted { color: var(--muted); }
.mono { font-family: var(--mono); font-size: 12px; }
button, input, select {
  font: inherit; color: inherit; border: 1px solid #d0d5dd; border-radius: 6px; background: #fff;
  padding: 6px 9px;
}
button { cursor: pointer; background: #fff; }
button:hover { background: #f2f4f7; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
button.primary:hover { background: #2f4bc4; }
button.on { background: var(--err-soft); border-color: #fda29b; color: var(--err); }
input:focus, select:focus { outline: 2px solid #c7d2fe; border-color: var(--accent); }
.chip {
  display: inline-flex; align-items: center; gap: 5px; padding: 1px 8px 1px 6px; border-radius: 10px;
  background: #f2f4f7; font-size: 12px; white-space: nowrap;
}
.dot { width: 9px; height: 9px; border-radius: 50%; flex: none; display: inline-block; }
.badge { padding: 1px 7px; border-radius: 10px; background: #f2f4f7; font-size: 12px; }
.badge.err { background: var(--err-soft); color: var(--err); font-weight: 600; }

/* search page */
aside.form {
  width: 290px; flex: none; background: var(--panel); border-right: 1px solid var(--line);
  padding: 16px 18px; overflow: auto;
}
aside.form h2 { margin: 0 0 12px; font-size: 15px; }
aside.form label { display: block; margin: 0 0 12px; font-weight: 600; font-size: 12px; color: #344054; }
aside.form label input, aside.form label select { display: block; width: 100%; margin-top: 4px; font-weight: 400; }
aside.form .pair { display: flex; gap: 8px; }
aside.form .pair label { flex: 1; }
aside.form .hint { font-weight: 400; color: var(--muted); font-size: 11px; margin-top: 3px; }
aside.form button.primary { width: 100%; padding: 8px; }
section.results { flex: 1; min-width: 0; overflow: auto; padding: 16px 20px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
.scatter { padding: 8px 10px 4px; margin-bottom: 14px; }
.scatter svg { display: block; width: 100%; height: 170px; }
.scatter circle { cursor: pointer; fill-opacity: .55; stroke-width: 1.5; }
.scatter circle:hover { fill-opacity: .9; }
.scatter text { font-size: 10px; fill: var(--muted); }
.reshead { display: flex; align-items: center; gap: 12px; margin: 0 0 10px; }
.reshead h3 { margin: 0; font-size: 15px; }
.reshead select { margin-left: auto; }
a.result { display: block; color: inherit; margin-bottom: 10px; overflow: hidden; }
a.result:hover { border-color: #a4b4f5; box-shadow: 0 1px 4px rgba(16, 24, 40, .08); }
.result .rhead { display: flex; align-items: baseline; gap: 10px; padding: 9px 12px 6px; }
.result .rtitle { font-size: 14px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.result .rtitle .svc { color: var(--muted); font-weight: 500; }
.result .tid { color: var(--muted); font-family: var(--mono); font-size: 11px; }
.result .rdur { margin-left: auto; font-weight: 600; white-space: nowrap; }
.result .durbar { height: 3px; background: #f2f4f7; }
.result .durbar div { height: 3px; background: #98a8e8; }
.result.haserr .durbar div { background: #f97066; }
.result .rbody { display: flex; align-items: center; flex-wrap: wrap; gap: 6px; padding: 7px 12px 9px; }
.result .when { margin-left: auto; color: var(--muted); font-size: 12px; white-space: nowrap; }
.empty { padding: 40px; text-align: center; color: var(--muted); }
.error-box { padding: 10px 12px; border-radius: 6px; background: var(--err-soft); color: var(--err); margin-bottom: 12px; }

/* trace page */
.trace { flex: 1; min-width: 0; display: flex; flex-direction: column; }
.thead { background: var(--panel); border-bottom: 1px solid var(--line); padding: 10px 18px 8px; flex: none; }
.thead h1 { margin: 0; font-size: 17px; display: flex; align-items: baseline; gap: 10px; }
.thead h1 .tid { font-family: var(--mono); font-size: 12px; color: var(--muted); font-weight: 400; }
.thead .facts { display: flex; flex-wrap: wrap; gap: 4px 18px; margin-top: 5px; color: var(--muted); }
.thead .facts b { color: var(--text); font-weight: 600; }
.thead .facts .errs b { color: var(--err); }
.thead .legend { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 7px; }
.toolbar { display: flex; align-items: center; gap: 8px; margin-top: 8px; }
.toolbar input { width: 280px; }
.toolbar .count { color: var(--muted); }
.tbody { flex: 1; min-height: 0; display: flex; }
.wf { flex: 1; min-width: 0; display: flex; flex-direction: column; background: var(--panel); }
.ruler { display: flex; height: 26px; border-bottom: 1px solid var(--line); flex: none; background: #fafbfc; }
.ruler .nm { width: var(--namew); flex: none; padding: 5px 10px; font-weight: 600; color: #344054; border-right: 1px solid var(--line); }
.ruler .ticks { flex: 1; position: relative; margin-right: 14px; }
.ruler .ticks span { position: absolute; top: 5px; font-size: 11px; color: var(--muted); transform: translateX(-50%); white-space: nowrap; }
.ruler .ticks span:first-child { transform: none; }
.ruler .ticks span:last-child { transform: translateX(-100%); }
.scroll { flex: 1; min-height: 0; overflow: auto; position: relative; }
.rows { position: relative; }
.row {
  position: absolute; left: 0; right: 0; height: var(--row); display: flex; cursor: pointer;
  border-bottom: 1px solid #f2f4f7;
}
.row:hover { background: #f8f9fc; }
.row.sel { background: var(--accent-soft); }
.row.err .nm { box-shadow: inset 3px 0 0 var(--err); }
.row.err .op { color: var(--err); }
.row.dim { opacity: .55; }
.row .nm {
  width: var(--namew); flex: none; display: flex; align-items: center; gap: 5px; overflow: hidden;
  white-space: nowrap; border-right: 1px solid var(--line); padding-right: 8px;
}
.row .tog { width: 16px; flex: none; text-align: center; color: var(--muted); font-size: 10px; border-radius: 3px; }
.row .tog:hover { background: #e4e7ec; color: var(--text); }
.row .mark { width: 3px; height: 16px; border-radius: 2px; flex: none; }
.row .svc { color: var(--muted); font-size: 12px; }
.row .svc, .row .op { flex: none; }
.row .op { font-weight: 500; }
.row .kids { color: var(--muted); font-size: 11px; }
.row .hint { min-width: 0; overflow: hidden; text-overflow: ellipsis; flex: 0 1 auto; color: #475467; font-family: var(--mono); font-size: 11px; background: #f2f4f7; border-radius: 4px; padding: 0 5px; }
.row .bang { color: #fff; background: var(--err); border-radius: 50%; width: 14px; height: 14px; font-size: 10px; font-weight: 700; display: inline-flex; align-items: center; justify-content: center; flex: none; }
.row .tl {
  flex: 1; position: relative; margin-right: 14px;
  background: repeating-linear-gradient(90deg, transparent 0, transparent calc(25% - 1px), #eef0f3 calc(25% - 1px), #eef0f3 25%);
}
.row .bar { position: absolute; top: 7px; height: 12px; min-width: 2px; border-radius: 2px; }
.row.err .bar { outline: 2px solid var(--err); outline-offset: 0; }
.row .lbl { position: absolute; top: 5px; font-size: 11px; color: #475467; white-space: nowrap; }
.row .lbl.in { color: #fff; font-weight: 600; text-shadow: 0 0 2px rgba(0, 0, 0, .45); }
.detail {
  width: 430px; flex: none; border-left: 1px solid var(--line); background: var(--panel); overflow: auto;
  padding: 12px 16px 24px;
}
.detail h2 { font-size: 15px; margin: 0 0 4px; display: flex; gap: 8px; align-items: baseline; word-break: break-all; }
.detail h2 button { margin-left: auto; padding: 0 7px; }
.detail h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); margin: 16px 0 6px; }
.detail table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.detail td { padding: 3px 6px; border-bottom: 1px solid #f2f4f7; vertical-align: top; word-break: break-word; }
.detail td:first-child { width: 38%; color: #475467; font-family: var(--mono); font-size: 12px; }
.detail td.v { font-family: var(--mono); font-size: 12px; }
.detail tr.bad td { background: var(--err-soft); color: var(--err); }
.detail .log { border-left: 2px solid #d0d5dd; padding-left: 8px; margin-bottom: 8px; }
.detail .log .at { font-weight: 600; font-size: 12px; }
.detail .errbox { background: var(--err-soft); color: var(--err); border-radius: 6px; padding: 6px 9px; margin-top: 8px; font-weight: 600; }
`;
