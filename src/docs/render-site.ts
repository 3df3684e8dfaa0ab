import type { DocsData } from './docs-data.js';
import { browserScript } from './site/browser-lib.js';

const DATA_ELEMENT = 'kpi-docs-data';

const STYLE = `
:root { --ink: #1f2430; --muted: #6b7280; --line: #e3e6eb; --bg: #f7f8fa; --accent: #2f6fde;
  --model: #2f6fde; --source: #1f9d55; --seed: #0f8a8a; --snapshot: #8b5cf6; --test: #c2410c; --unit_test: #b45309; --analysis: #64748b; --exposure: #db2777; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff;
  display: grid; grid-template-columns: 300px 1fr; grid-template-rows: auto 1fr; height: 100vh; }
body > header { grid-column: 1 / 3; display: flex; align-items: center; gap: 16px; padding: 10px 16px; border-bottom: 1px solid var(--line); background: var(--bg); }
body > header .brand { font-weight: 600; text-decoration: none; color: var(--ink); }
#search { flex: 1; max-width: 480px; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
#sidebar { overflow: auto; padding: 8px 8px 24px; border-right: 1px solid var(--line); background: var(--bg); }
#sidebar details { margin-left: 10px; }
#sidebar details.section { margin: 6px 0 10px; }
#sidebar summary { cursor: pointer; color: var(--muted); padding: 1px 0; }
#sidebar details.section > summary { font-weight: 600; color: var(--ink); }
.count { color: var(--muted); font-weight: normal; font-size: 12px; }
a.item { display: block; padding: 1px 6px 1px 22px; color: var(--ink); text-decoration: none; border-radius: 4px; white-space: normal; overflow-wrap: anywhere; position: relative; }
a.item::before { content: ""; position: absolute; left: 8px; top: 8px; width: 8px; height: 8px; border-radius: 2px; background: var(--model); }
#main a.item { display: inline-block; padding-right: 2px; }
a.item:hover { background: #e8eefb; }
a.item.current { background: #dbe6fb; font-weight: 600; }
.type-source::before { background: var(--source) !important; } .type-seed::before { background: var(--seed) !important; }
.type-snapshot::before { background: var(--snapshot) !important; } .type-test::before { background: var(--test) !important; }
.type-unit_test::before { background: var(--unit_test) !important; } .type-analysis::before { background: var(--analysis) !important; } .type-exposure::before { background: var(--exposure) !important; }
#main { overflow: auto; padding: 16px 28px 48px; }
header.page { display: flex; align-items: center; gap: 12px; }
header.page h1 { margin: 8px 0; font-size: 24px; }
h2 { font-size: 15px; margin: 24px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.badge { font-size: 12px; padding: 1px 8px; border-radius: 10px; color: #fff; background: var(--model); }
.badge.type-source { background: var(--source); } .badge.type-seed { background: var(--seed); } .badge.type-snapshot { background: var(--snapshot); }
.badge.type-test { background: var(--test); } .badge.type-unit_test { background: var(--unit_test); } .badge.type-analysis { background: var(--analysis); } .badge.type-exposure { background: var(--exposure); }
.badge::before { display: none; }
.empty { color: var(--muted); font-style: italic; }
dl.details { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.details dt { color: var(--muted); } dl.details dd { margin: 0; }
.tag { background: #eef1f5; border-radius: 4px; padding: 0 6px; font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.index { color: var(--muted); width: 32px; } td.type { color: #7c3aed; white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
td p { margin: 0; }
a.test { font-size: 12px; color: var(--test); text-decoration: none; border: 1px solid #f3c7a9; border-radius: 4px; padding: 0 5px; margin-right: 3px; }
table.config th { width: 220px; color: var(--muted); font-weight: normal; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre.sql, .description pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow: auto; max-height: 520px; }
.tabs button { font: inherit; border: 1px solid var(--line); background: #fff; padding: 3px 12px; border-radius: 6px 6px 0 0; cursor: pointer; }
.tabs button.on { background: #f6f8fa; border-bottom-color: #f6f8fa; font-weight: 600; }
.tabs button[disabled] { color: var(--muted); cursor: not-allowed; }
.neighbours { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; }
ul.links, ul.results, ul.overview { list-style: none; padding: 0; margin: 0; }
ul.links a.item { white-space: normal; overflow-wrap: anywhere; }
ul.results li { padding: 6px 0; border-bottom: 1px solid var(--line); } .where { color: var(--muted); font-size: 12px; } .summary { color: var(--muted); }
ul.overview li { display: inline-block; margin-right: 16px; }
.toggle { color: var(--muted); font-size: 12px; }
.lineage-box { overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: #fbfcfd; margin-top: 6px; max-height: 560px; }
.lineage-box.project svg.lineage { display: block; max-width: 100%; height: auto; min-width: var(--fit); }
svg.lineage path.edge { fill: none; stroke: #b6bdc8; stroke-width: 1.4; }
svg.lineage path.edge.near { stroke: #6b7a90; stroke-width: 1.8; }
svg.lineage .lnode rect { fill: #fff; stroke: var(--model); stroke-width: 1.5; }
svg.lineage .lnode text { font-size: 12px; fill: var(--ink); }
svg.lineage .lnode.type-source rect { stroke: var(--source); } svg.lineage .lnode.type-seed rect { stroke: var(--seed); }
svg.lineage .lnode.type-snapshot rect { stroke: var(--snapshot); } svg.lineage .lnode.type-exposure rect { stroke: var(--exposure); } svg.lineage .lnode.type-test rect, svg.lineage .lnode.type-unit_test rect { stroke: var(--test); }
svg.lineage .lnode.ephemeral rect { stroke-dasharray: 5 3; }
svg.lineage .lnode.focus rect { fill: #e8eefb; stroke-width: 2.5; } svg.lineage .lnode.focus text { font-weight: 600; }
svg.lineage .lnode.tested rect { fill: #fff4ec; stroke-width: 2.5; } svg.lineage .lnode.tested text { font-weight: 600; }
svg.lineage .lnode:hover rect { fill: #f1f5fd; }
.sql-keyword { color: #1d4ed8; font-weight: 600; } .sql-string { color: #047857; } .sql-comment { color: #6b7280; font-style: italic; }
.sql-jinja { color: #9333ea; } .sql-number { color: #b45309; } .sql-ident { color: #0f766e; }
form.selector { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px; }
form.selector label { color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
form.selector input[name] { width: 300px; max-width: 70vw; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--ink); }
form.selector button { font: inherit; padding: 4px 12px; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 6px; cursor: pointer; }
p.hint { color: var(--muted); font-size: 12px; margin: 6px 0; } p.selection { margin: 6px 0; } p.selection.error { color: #b91c1c; font-weight: 600; }
section.readme .description { max-width: 900px; }
.description table { width: auto; margin: 8px 0; } .description blockquote { margin: 8px 0; padding: 0 12px; border-left: 3px solid var(--line); color: var(--muted); }
header.page h1, #sidebar summary, td code, dd code { overflow-wrap: anywhere; } header.page { flex-wrap: wrap; }
#nav-toggle { display: none; font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 4px 10px; cursor: pointer; }
/* Narrow screens: the sidebar is a drawer behind the menu button, over the page, under the header. */
@media (max-width: 800px) {
  body { display: block; height: auto; }
  body > header { position: sticky; top: 0; z-index: 30; height: 52px; gap: 10px; padding: 8px 10px; }
  body > header .brand { max-width: 30vw; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #search { min-width: 0; }
  #nav-toggle { display: inline-block; }
  #sidebar { display: none; }
  body.nav-open #sidebar { display: block; position: fixed; top: 52px; left: 0; bottom: 0; width: min(86vw, 340px); z-index: 20; box-shadow: 4px 0 16px rgba(0, 0, 0, .18); }
  #main { overflow: visible; padding: 12px 14px 40px; }
  .neighbours { grid-template-columns: 1fr; }
  table.config th { width: auto; }
}
`;

/**
 * target/index.html: one self-contained file (styles, script and data inline, nothing
 * fetched), so it opens from file:// and works offline. The data sits in a JSON script
 * element with every `<` escaped, so no text in it can close the element.
 */
export function renderSite(data: DocsData): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const title = data.project.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} docs</title>
<style>${STYLE}</style>
</head>
<body>
<header><button id="nav-toggle" type="button" aria-controls="sidebar" aria-expanded="false">&#9776; Menu</button><a class="brand" href="#">${title}</a><input id="search" type="search" placeholder="Search models, sources, columns, SQL…" autocomplete="off"></header>
<nav id="sidebar"></nav>
<main id="main"><noscript>This page needs JavaScript to show the project.</noscript></main>
<script type="application/json" id="${DATA_ELEMENT}">${json}</script>
<script>
${browserScript(DATA_ELEMENT).replace(/<\/script/gi, '<\\/script')}
</script>
</body>
</html>
`;
}
