import { describe, expect, it } from 'vitest';
import type { DocsData, DocsNode } from '../../src/docs/docs-data.js';
import { renderSite } from '../../src/docs/render-site.js';
import { BROWSER_LIB } from '../../src/docs/site/browser-lib.js';
import { layoutLineage } from '../../src/docs/site/layout-lineage.js';
import { lineageSubgraph } from '../../src/docs/site/lineage-subgraph.js';
import { renderMarkdown } from '../../src/docs/site/render-markdown.js';
import { searchNodes } from '../../src/docs/site/search-nodes.js';
import { highlightSql } from '../../src/docs/site/highlight-sql.js';
import { htmlText, openDocsPage } from '../helpers/docs-page.js';

function node(id: string, type: DocsNode['type'], extra: Partial<DocsNode> = {}): DocsNode {
  const name = id.split('.').pop() as string;
  return {
    id,
    type,
    name,
    label: name,
    folder: 'models',
    file: `models/${name}.sql`,
    description: '',
    relation: null,
    materialized: type === 'model' ? 'table' : null,
    tags: [],
    config: [],
    raw: `select 1 as ${name}`,
    compiled: null,
    columns: [],
    parents: [],
    children: [],
    relationType: null,
    owner: null,
    stats: [],
    testOf: null,
    select: { fqn: ['p', name], package: 'p', tags: [], sourceName: null, testName: null, config: {} },
    ...extra,
  };
}

function project(edges: Array<[string, string]>, types: Record<string, DocsNode['type']> = {}): DocsData {
  const ids = [...new Set(edges.flat())];
  const nodes = Object.fromEntries(
    ids.map((id) => [id, node(id, types[id] ?? 'model', { parents: edges.filter(([, to]) => to === id).map(([from]) => from), children: edges.filter(([from]) => from === id).map(([, to]) => to) })]),
  );
  return { project: 'p', generatedAt: '2025-03-31T00:00:00.000Z', target: 'dev', catalogRead: true, nodes, edges, readme: null };
}

/** Pairs of edges between the same two layers whose ends are in opposite orders. */
function crossings(layout: ReturnType<typeof layoutLineage>): number {
  const at = new Map(layout.boxes.map((box) => [box.id, box]));
  let count = 0;
  for (const [i, a] of layout.edges.entries()) {
    for (const b of layout.edges.slice(i + 1)) {
      const [a1, a2, b1, b2] = [at.get(a.from), at.get(a.to), at.get(b.from), at.get(b.to)].map((box) => box as NonNullable<typeof box>);
      if (a1.layer !== b1.layer || a2.layer !== b2.layer) continue;
      if ((a1.y - b1.y) * (a2.y - b2.y) < 0) count++;
    }
  }
  return count;
}

describe('the lineage layout', () => {
  it('puts every node right of all its parents, boxes apart, inside the drawing', () => {
    // A diamond with a long edge across it (a -> d skips two layers).
    const layout = layoutLineage({
      nodes: ['a', 'b', 'c', 'd', 'e'],
      edges: [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'd'],
        ['a', 'd'],
        ['b', 'e'],
        ['e', 'd'],
      ],
    });
    const at = new Map(layout.boxes.map((box) => [box.id, box]));
    expect(Object.fromEntries(layout.boxes.map((box) => [box.id, box.layer]))).toEqual({ a: 0, b: 1, c: 2, e: 2, d: 3 });
    for (const edge of layout.edges) expect((at.get(edge.from)?.x ?? 0) + layout.boxWidth).toBeLessThan(at.get(edge.to)?.x ?? 0);
    for (const box of layout.boxes) {
      expect(box.x + layout.boxWidth).toBeLessThanOrEqual(layout.width);
      expect(box.y + layout.boxHeight).toBeLessThanOrEqual(layout.height);
      for (const other of layout.boxes) {
        if (other !== box && other.layer === box.layer) expect(Math.abs(other.y - box.y)).toBeGreaterThanOrEqual(layout.boxHeight);
      }
    }
    expect(layout.edges.find((edge) => edge.from === 'a' && edge.to === 'd')?.path).toMatch(/^M\d+(\.\d+)?,\d+(\.\d+)? C/);
  });

  it('orders each layer by its neighbours, so crossings that can be avoided are', () => {
    // Given in an order that crosses every edge: x1 feeds y2 and x2 feeds y1, by name.
    const graph = {
      nodes: ['s', 'x1', 'x2', 'y1', 'y2', 'z1', 'z2'],
      edges: [
        ['s', 'x1'],
        ['s', 'x2'],
        ['x1', 'y2'],
        ['x2', 'y1'],
        ['y2', 'z1'],
        ['y1', 'z2'],
      ] as Array<[string, string]>,
    };
    expect(crossings(layoutLineage(graph))).toBe(0);
  });

  it('lays out a single node and an empty graph', () => {
    expect(layoutLineage({ nodes: ['only'], edges: [] }).boxes).toEqual([{ id: 'only', layer: 0, x: 12, y: 12 }]);
    expect(layoutLineage({ nodes: [], edges: [] }).boxes).toEqual([]);
  });
});

describe('the lineage around a node', () => {
  const data = project(
    [
      ['source.p.raw.a', 'model.p.stg'],
      ['model.p.stg', 'model.p.mart'],
      ['model.p.other', 'model.p.mart'],
      ['model.p.stg', 'test.p.not_null_stg_id'],
      ['model.p.unrelated_parent', 'model.p.unrelated'],
    ],
    { 'source.p.raw.a': 'source', 'test.p.not_null_stg_id': 'test' },
  );

  it('holds every ancestor and descendant, not siblings or strangers, and tests only when asked', () => {
    expect(lineageSubgraph(data, 'model.p.stg', false)).toEqual({
      nodes: ['model.p.mart', 'model.p.stg', 'source.p.raw.a'],
      edges: [
        ['source.p.raw.a', 'model.p.stg'],
        ['model.p.stg', 'model.p.mart'],
      ],
    });
    expect(lineageSubgraph(data, 'model.p.stg', true).nodes).toContain('test.p.not_null_stg_id');
    expect(lineageSubgraph(data, 'model.p.mart', false).nodes).toEqual(['model.p.mart', 'model.p.other', 'model.p.stg', 'source.p.raw.a']);
  });

  it('draws each edge and node of it as SVG, the focus marked, each box a link', () => {
    const svg = BROWSER_LIB.lineageSvg(BROWSER_LIB, layoutLineage(lineageSubgraph(data, 'model.p.stg', false)), data, 'model.p.stg');
    expect(svg.match(/<path class="edge[^"]*" data-from="([^"]+)" data-to="([^"]+)"/g)).toHaveLength(2);
    expect(svg).toContain('data-from="source.p.raw.a" data-to="model.p.stg"');
    expect(svg).toMatch(/<a href="#!\/model\.p\.stg" class="lnode type-model focus"/);
    expect(svg).toMatch(/<a href="#!\/source\.p\.raw\.a" class="lnode type-source"/);
  });
});

describe('descriptions as Markdown', () => {
  const render = (text: string) => renderMarkdown(BROWSER_LIB, text);

  it('renders what dbt descriptions use', () => {
    expect(render('One **bold** and *soft* `id` line\nwrapped.\n\n- first\n- second\n\n1. one\n2. two')).toBe(
      '<p>One <strong>bold</strong> and <em>soft</em> <code>id</code> line wrapped.</p>\n<ul><li>first</li><li>second</li></ul>\n<ol><li>one</li><li>two</li></ol>',
    );
    expect(render('## Grain\n```sql\nselect a < b\n```')).toBe('<h4>Grain</h4>\n<pre><code>select a &lt; b</code></pre>');
    expect(render('see [the mart](#!/model.p.mart)')).toBe('<p>see <a href="#!/model.p.mart" rel="noopener">the mart</a></p>');
  });

  it('never lets a description inject markup or script', () => {
    expect(render('<script>alert(1)</script> <img src=x onerror=alert(1)>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>');
    expect(render('[click](javascript:alert(1))')).not.toContain('<a');
    expect(render('[x](" onmouseover="alert(1))')).not.toMatch(/<a [^>]*onmouseover/);
  });
});

describe('SQL highlighting', () => {
  const highlight = (sql: string) => highlightSql(BROWSER_LIB, sql);
  const spans = (html: string) => [...html.matchAll(/<span class="sql-(\w+)">([^<]*)<\/span>/g)].map(([, kind, text]) => `${kind}:${htmlText(text)}`);

  it('marks keywords, strings, comments, numbers, quoted names and Jinja', () => {
    const sql = "select id, 'it''s' as \"Name\" -- why\nfrom {{ ref('orders') }} /* all */ where total > 1.5 {% if is_incremental() %}and x{% endif %}{# note #}";
    expect(spans(highlight(sql))).toEqual([
      'keyword:select',
      "string:'it''s'",
      'keyword:as',
      'ident:"Name"',
      'comment:-- why',
      'keyword:from',
      "jinja:{{ ref('orders') }}",
      'comment:/* all */',
      'keyword:where',
      'number:1.5',
      'jinja:{% if is_incremental() %}',
      'keyword:and',
      'jinja:{% endif %}',
      'comment:{# note #}',
    ]);
    // Words that only contain keywords, and keywords in any case.
    expect(spans(highlight('SELECT selection, from_date FROM t'))).toEqual(['keyword:SELECT', 'keyword:FROM']);
  });

  it('shows exactly the SQL, and nothing in it becomes markup', () => {
    const hostile = [
      "select '</script><script>alert(1)</script>' as x",
      '-- <img src=x onerror=alert(1)>\nselect 1',
      "select \"<b>\" from {{ '<img onerror=alert(1)>' }} where a < b && c > 'unterminated <svg onload=alert(1)>",
      '/* never closed <iframe>',
    ];
    for (const sql of hostile) {
      const html = highlight(sql);
      expect(htmlText(html)).toBe(sql);
      expect(html.replace(/<\/?span( class="sql-\w+")?>/g, '')).not.toMatch(/[<>]/);
    }
  });
});

describe('search', () => {
  const data = project([['model.p.orders', 'model.p.customers']]);
  data.nodes['model.p.customers'].description = 'One row per customer, with lifetime value';
  data.nodes['model.p.orders'].columns = [{ name: 'customer_id', description: 'who ordered', type: 'integer', index: 1, tests: [] }];

  it('finds every word in names, descriptions, columns and SQL; name matches first', () => {
    expect(searchNodes(data, 'customer')).toEqual([
      { id: 'model.p.customers', where: 'name' },
      { id: 'model.p.orders', where: 'column customer_id' },
    ]);
    expect(searchNodes(data, 'LIFETIME value')).toEqual([{ id: 'model.p.customers', where: 'description' }]);
    expect(searchNodes(data, 'select')).toHaveLength(2);
    expect(searchNodes(data, 'customer nothing-like-this')).toEqual([]);
    expect(searchNodes(data, '  ')).toEqual([]);
  });
});

describe('the site page', () => {
  const data = project(
    [
      ['source.p.raw.a', 'model.p.stg'],
      ['model.p.stg', 'model.p.mart'],
      ['model.p.stg', 'test.p.t'],
    ],
    { 'source.p.raw.a': 'source', 'test.p.t': 'test' },
  );
  data.nodes['model.p.mart'].description = 'Closing </script><script>alert(1)</script> tags stay text';

  it('is one file with nothing to fetch, and its data cannot break out of its element', () => {
    const html = renderSite(data);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(link|img|iframe)\b|<script[^>]*\ssrc=|@import|url\(/i);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const page = openDocsPage(html);
    expect(page.data.nodes['model.p.mart']).toMatchObject({ description: data.nodes['model.p.mart'].description });
  });

  it('asks for a selection rather than draw a project of more than 500 nodes', () => {
    const chain = Array.from({ length: 520 }, (_, at): [string, string] => [`model.p.m${at}`, `model.p.m${at + 1}`]);
    const page = openDocsPage(renderSite(project(chain)));
    expect(page.main).toContain('<p class="empty too-many">521 nodes are too many to draw legibly (at most 500)');
    expect(page.graphNodes).toEqual([]);
    page.selectGraph('+m10');
    expect(page.graphNodes).toEqual(Array.from({ length: 11 }, (_, at) => `model.p.m${at}`).sort());
    page.selectGraph('', 'm500+');
    expect(page.graphNodes).toHaveLength(500);
    // A link holding a selection draws it; a node's page leaves it be; a mangled one selects everything.
    page.navigate('#select=%2Bm3&exclude=m0');
    expect(page.graphNodes).toEqual(['model.p.m1', 'model.p.m2', 'model.p.m3']);
    page.open('model.p.m2');
    page.navigate('#select=%2Bm3&exclude=m0');
    expect(page.main).toContain('value="+m3"');
    page.navigate('#select=%E0%A4%A&exclude=m3+');
    expect(page.graphNodes).toEqual(Array.from({ length: 3 }, (_, at) => `model.p.m${at}`).sort());
    page.navigate('#!/%E0%A4%A');
    expect(page.main).toContain('<section class="project-lineage">');
  });

  it('keeps hostile descriptions, SQL, names and READMEs as text on every page', () => {
    const hostile = project([['model.p.a', 'model.p.b']]);
    const bad = '</script><script>alert(1)</script><img src=x onerror=alert(1)>';
    hostile.nodes['model.p.a'].description = `Look ${bad}`;
    hostile.nodes['model.p.a'].raw = `select '${bad}' as x -- ${bad}\n{{ '${bad}' }}`;
    hostile.nodes['model.p.a'].compiled = `select '${bad}' as x`;
    hostile.nodes['model.p.a'].columns = [{ name: `c${bad}`, description: bad, type: bad, index: 1, tests: [] }];
    hostile.nodes['model.p.a'].label = `a${bad}`;
    hostile.readme = { from: 'README.md', markdown: `# Hi ${bad}\n\n| ${bad} | b |\n|---|---|\n| ${bad} | [x](javascript:alert(1)) |\n\n> ${bad}\n\n![${bad}](x.png)` };
    const html = renderSite(hostile);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const page = openDocsPage(html);
    // Elements that run or load something, or any handler attribute (quoted attribute values, being text, set aside).
    const markup = (text: string) => text.replace(/"[^"]*"/g, '""').match(/<(script|img|iframe|object|embed)\b[^>]*>|<[a-z]+\s[^>]*\bon\w+\s*=/gi) ?? [];
    expect(markup(page.main)).toEqual([]);
    expect(page.main).toContain('Hi &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    page.selectGraph(bad);
    expect(markup(page.main)).toEqual([]);
    page.open('model.p.a');
    expect(markup(page.main)).toEqual([]);
    expect(markup(page.sidebar)).toEqual([]);
    expect(page.code).toBe(hostile.nodes['model.p.a'].compiled);
    page.showCode('source');
    expect(page.code).toBe(hostile.nodes['model.p.a'].raw);
    expect(markup(page.main)).toEqual([]);
    expect(page.main).not.toContain('href="javascript');
  });

  it('runs in a page: overview, a node with its lineage, tests on demand, code tabs, search', () => {
    const page = openDocsPage(renderSite(data));
    expect(page.main).toMatch(/<h1>p<\/h1>/);
    expect(page.sidebar).toMatch(/Models <span class="count">2<\/span>/);
    expect(page.sidebar).toMatch(/Sources <span class="count">1<\/span>/);

    page.open('model.p.stg');
    expect(page.title).toBe('stg · p docs');
    expect(page.sidebar).toMatch(/class="item type-model current" href="#!\/model\.p\.stg"/);
    expect(page.main).toContain('data-from="source.p.raw.a" data-to="model.p.stg"');
    // The drawing is scrolled to the focus: the middle of stg's box, in the second layer.
    expect(page.main).toContain('<div class="lineage-box" data-focus-x="382" data-focus-y="');
    expect(page.main).not.toContain('data-to="test.p.t"');
    page.showTests(true);
    expect(page.main).toContain('data-from="model.p.stg" data-to="test.p.t"');
    expect(page.main).toContain('<code><span class="sql-keyword">select</span> <span class="sql-number">1</span> <span class="sql-keyword">as</span> stg</code>');
    page.showCode('source');
    expect(page.main).toMatch(/<button data-code="source" class="on">/);

    // A test's page draws the test (as dbt, its ancestors and descendants) with the node it tests marked, even with tests toggled off.
    page.showTests(false);
    page.open('test.p.t');
    expect(page.graphNodes).toEqual(['model.p.stg', 'source.p.raw.a', 'test.p.t']);
    expect(page.main).toMatch(/<a href="#!\/test\.p\.t" class="lnode type-test focus" /);
    expect(page.main).toMatch(/<a href="#!\/model\.p\.stg" class="lnode type-model tested" /);
    expect(page.main).toMatch(/<a href="#!\/source\.p\.raw\.a" class="lnode type-source" /);
    expect(page.main).toContain('data-from="model.p.stg" data-to="test.p.t"');

    // The narrow screens' menu button opens the sidebar drawer; following a link closes it.
    expect(page.navOpen.bodyClass).toBe(false);
    page.toggleNav();
    expect(page.navOpen).toEqual({ bodyClass: true, ariaExpanded: 'true' });
    page.open('model.p.mart');
    expect(page.navOpen).toEqual({ bodyClass: false, ariaExpanded: 'false' });
    page.toggleNav();
    page.toggleNav();
    expect(page.navOpen).toEqual({ bodyClass: false, ariaExpanded: 'false' });

    page.search('closing tags');
    expect(page.main).toMatch(/1 result for/);
    expect(page.main).toContain('href="#!/model.p.mart"');
    expect(page.sidebar).not.toContain('model.p.stg');
  });
});
