/** The dashboard's stylesheet: a quiet page where only status colours stand out. */
export const PAGE_STYLE = `
:root { --ink: #18202e; --muted: #667085; --line: #e4e7ec; --bg: #f4f6f9; --panel: #fff; --navy: #15233d;
  --red: #d64545; --red-bg: #fdecec; --yellow: #e0a100; --yellow-bg: #fff6db; --green: #2e9e5b; --green-bg: #e7f6ee; --grey: #98a2b3; --grey-bg: #f0f2f5;
  --good: #1f8a50; --bad: #c23b3b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; color: var(--ink); background: var(--bg); }
a { color: inherit; }
.top { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; align-items: center; gap: 14px 22px; padding: 10px 24px; background: var(--navy); color: #fff; }
.top .brand { font-weight: 700; font-size: 16px; letter-spacing: 0.2px; text-decoration: none; color: #fff; }
.top .brand span { color: #8fb3ff; }
.top label { display: flex; align-items: center; gap: 6px; font-size: 12px; color: #c7d2e5; }
.top select, .top input { font: inherit; font-size: 13px; padding: 4px 8px; border-radius: 6px; border: 1px solid #3a4a68; background: #22314f; color: #fff; }
.top select:disabled, .top input:disabled { opacity: 0.75; }
#windows { display: flex; background: #22314f; border-radius: 8px; padding: 3px; }
#windows button { font: inherit; font-size: 13px; color: #c7d2e5; background: none; border: 0; padding: 4px 14px; border-radius: 6px; cursor: pointer; }
#windows button.on { background: #fff; color: var(--navy); font-weight: 600; }
#freshness { margin-left: auto; font-size: 12px; color: #aab8d0; }
main { padding: 18px 24px 48px; max-width: 1680px; margin: 0 auto; }
h1.title { font-size: 20px; margin: 2px 0 14px; font-weight: 600; }
.muted { color: var(--muted); font-weight: normal; }
.counts { display: grid; grid-template-columns: repeat(5, minmax(110px, 1fr)); gap: 12px; margin-bottom: 8px; }
.count { display: flex; align-items: baseline; gap: 10px; padding: 12px 16px; border-radius: 10px; border: 1px solid var(--line); background: var(--panel); cursor: pointer; font: inherit; text-align: left; border-left: 6px solid var(--grey); }
.count .n { font-size: 30px; font-weight: 700; line-height: 1; }
.count .label { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: 0.6px; }
.count.s-red { border-left-color: var(--red); } .count.s-red .n { color: var(--red); }
.count.s-expected { border-left-color: #5b3f99; } .count.s-expected .n { color: #5b3f99; }
.count.s-yellow { border-left-color: var(--yellow); } .count.s-yellow .n { color: #b07e00; }
.count.s-green { border-left-color: var(--green); } .count.s-green .n { color: var(--green); }
.count.on { box-shadow: 0 0 0 2px var(--navy) inset; }
section.group { content-visibility: auto; contain-intrinsic-size: auto 640px; }
section.group h2 { font-size: 15px; margin: 22px 0 10px; text-transform: uppercase; letter-spacing: 0.8px; color: #344054; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); gap: 12px; }
.card { display: block; text-decoration: none; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px 10px; border-top: 4px solid var(--grey); transition: box-shadow 0.15s; }
.card:hover { box-shadow: 0 4px 14px rgba(16, 24, 40, 0.1); }
.card.s-red { border-top-color: var(--red); } .card.s-yellow { border-top-color: var(--yellow); } .card.s-green { border-top-color: var(--green); }
.card[hidden] { display: none; }
.card-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.card .name { font-weight: 600; }
.figure { display: flex; align-items: baseline; gap: 10px; margin: 4px 0 2px; }
.figure .value { font-size: 24px; font-weight: 700; letter-spacing: -0.3px; }
.vs { font-size: 12px; }
.tone-good { color: var(--good); } .tone-bad { color: var(--bad); } .tone-flat { color: var(--muted); }
.spark { height: 52px; margin: 2px -4px; }
.reason { margin: 4px 0 6px; font-size: 12.5px; color: #344054; min-height: 2.9em; }
.pill { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.4px; padding: 1px 8px; border-radius: 10px; background: var(--grey-bg); color: #475467; white-space: nowrap; }
.pill.big { font-size: 13px; padding: 3px 12px; }
.pill.s-red { background: var(--red-bg); color: var(--red); } .pill.s-yellow { background: var(--yellow-bg); color: #9a6d00; } .pill.s-green { background: var(--green-bg); color: var(--green); }
table.periods { width: 100%; border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
table.periods th, table.periods td { padding: 2px 4px; text-align: right; border-top: 1px solid #f0f2f5; }
table.periods th[scope=row], table.periods thead th:first-child { text-align: left; color: var(--muted); font-weight: 500; }
table.periods thead th { color: var(--muted); font-weight: 500; border-top: 0; }
.kpi-page table.periods { font-size: 13.5px; width: auto; min-width: 520px; }
.kpi-page table.periods th, .kpi-page table.periods td { padding: 4px 12px; }
table.list { width: 100%; border-collapse: collapse; background: var(--panel); font-size: 13px; }
table.list th, table.list td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.list thead th { color: var(--muted); font-weight: 500; font-size: 12px; }
table.list tr.here td { background: #f5f8ff; font-weight: 600; }
.nowrap { white-space: nowrap; }
.crumbs { font-size: 13px; color: var(--muted); margin-bottom: 6px; }
.crumbs a { color: #2f6fde; text-decoration: none; }
.kpi-head { display: flex; align-items: center; gap: 14px; }
.kpi-head h1 { margin: 0; font-size: 26px; }
.description { margin: 4px 0 12px; }
.kpi-top { display: flex; flex-wrap: wrap; gap: 18px 40px; align-items: flex-start; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; }
.headline { max-width: 460px; }
.headline .value { font-size: 36px; font-weight: 700; letter-spacing: -0.5px; }
.headline .reason { font-size: 14px; min-height: 0; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; margin-top: 14px; }
.panel h2 { font-size: 15px; margin: 0 0 10px; }
.legend { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; font-size: 12px; color: var(--muted); margin-bottom: 6px; }
.key { display: inline-block; width: 18px; height: 10px; margin-right: -8px; border-radius: 2px; vertical-align: middle; }
.value-key { height: 2px; background: #1f3b63; } .band-key { background: rgba(47, 111, 222, 0.2); border: 1px dashed rgba(47, 111, 222, 0.6); }
.red-key { width: 10px; border-radius: 50%; background: var(--red); } .yellow-key { width: 10px; border-radius: 50%; background: var(--yellow); } .event-key { background: rgba(124, 92, 186, 0.25); }
.chart { min-height: 340px; }
.day-detail { border-top: 1px solid var(--line); margin-top: 8px; padding-top: 8px; font-size: 13px; min-height: 84px; }
.day-head { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.day-figures { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 4px 0; color: var(--muted); }
.day-figures strong { color: var(--ink); }
.event { color: #6b4fa8; margin: 2px 0; }
.timeline { display: grid; gap: 5px; }
.strip { display: grid; grid-template-columns: 60px 1fr; align-items: center; gap: 8px; font-size: 12px; color: var(--muted); }
.strip.on .strip-label { color: var(--ink); font-weight: 600; }
.cells { display: grid; height: 18px; gap: 0; }
.cell { background: var(--grey-bg); } .cell.s-green { background: #bfe5cf; } .cell.s-yellow { background: var(--yellow); } .cell.s-red { background: var(--red); } .cell.s-grey { background: #d0d5dd; }
.cell.s-expected { background: #d9cdef; } .pill.s-expected { background: #efe9f8; color: #5b3f99; }
.cell:hover { outline: 2px solid var(--navy); z-index: 1; }
.ends { display: flex; justify-content: space-between; }
.attention { list-style: none; margin: 12px 0 0; padding: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
.attention li a { display: flex; align-items: baseline; gap: 10px; padding: 8px 14px; text-decoration: none; border-top: 1px solid var(--line); }
.attention li:first-child a { border-top: 0; }
.attention li a:hover { background: #f7f9fc; }
.attention .value { font-variant-numeric: tabular-nums; font-weight: 600; }
.attention .why { color: #475467; font-size: 13px; }
p.attention.calm { padding: 10px 14px; color: var(--green); }
.scroll { max-height: 380px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
.scroll thead th { position: sticky; top: 0; background: var(--panel); }
.caption { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.5px; }
.problem { background: var(--panel); border: 1px solid var(--line); border-left: 6px solid var(--red); border-radius: 10px; padding: 16px 20px; }
.problem h1 { font-size: 18px; margin: 0 0 6px; }
.u-legend { display: none; }
.top .nav-link { font-size: 13px; color: #c7d2e5; text-decoration: none; padding: 4px 10px; border-radius: 6px; }
.top .nav-link:hover { color: #fff; } .top .nav-link.on { background: #fff; color: var(--navy); font-weight: 600; }
.pill.s-current { background: var(--green-bg); color: var(--green); }
.all-key { width: 10px; border-radius: 50%; background: #2f6fde; } .worst-key { width: 10px; border-radius: 50%; background: #fff; border: 2px solid var(--red); } .current-key { width: 12px; border-radius: 50%; background: var(--green); }
.backtest-chart { min-height: 380px; }
table.figures td[data-value], table.figures th { font-variant-numeric: tabular-nums; }
table.figures td[data-value] { text-align: right; } table.figures thead th { text-align: right; } table.figures thead th:first-child, table.figures thead th.text { text-align: left; }
table.settings tr.here td, table.settings tr:hover td { background: #f5f8ff; } table.settings tr.here td { font-weight: 600; }
.settings a { color: #2f6fde; text-decoration: none; }
.kpi-code { font-weight: 600; }
.problem pre { background: var(--bg); border-radius: 6px; padding: 8px 12px; overflow: auto; }
@media (max-width: 720px) { .counts { grid-template-columns: repeat(2, 1fr); } main { padding: 12px; } #freshness { margin-left: 0; } }
`;
