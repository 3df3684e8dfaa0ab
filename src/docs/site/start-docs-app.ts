import type { DocsData } from '../docs-data.js';
import type { renderNodePage, PageState } from './render-node-page.js';
import type { OverviewState, renderOverview } from './render-overview.js';
import type { renderSidebar } from './render-sidebar.js';

/** The page's functions the app calls, and those they call in turn through `lib`. */
type DocsAppLib = { renderNodePage: typeof renderNodePage; renderOverview: typeof renderOverview; renderSidebar: typeof renderSidebar } & Parameters<typeof renderNodePage>[0] &
  Parameters<typeof renderOverview>[0] &
  Parameters<typeof renderSidebar>[0];

/**
 * The page's behaviour: the hash names the node shown (`#!/model.shop.orders`, so the
 * back button and links work, also from file://), the search box filters the sidebar
 * and lists matches, and the code tabs and the lineage's test toggle re-render.
 */
export function startDocsApp(lib: DocsAppLib, data: DocsData, win: Window): void {
  const doc = win.document;
  const sidebar = doc.getElementById('sidebar') as HTMLElement;
  const main = doc.getElementById('main') as HTMLElement;
  const search = doc.getElementById('search') as HTMLInputElement;
  const state: PageState & OverviewState = { query: '', select: '', exclude: '', showTests: false, code: 'compiled' };
  const current = (): string | null => {
    if (!win.location.hash.startsWith('#!/')) return null;
    try {
      const id = decodeURIComponent(win.location.hash.slice(3));
      return data.nodes[id] ? id : null;
    } catch {
      return null; // a mangled link: the landing page
    }
  };
  // The landing graph's selection lives in the hash (`#select=+orders&exclude=tag:x`), so a reload or a shared link keeps it.
  const readSelection = () => {
    const hash = win.location.hash;
    if (hash.startsWith('#!/')) return;
    const fields: Record<string, string> = {};
    for (const pair of hash.replace(/^#/, '').split('&')) {
      const at = pair.indexOf('=');
      try {
        if (at > 0) fields[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1));
      } catch {
        // A mangled link: that field is left empty.
      }
    }
    state.select = fields.select ?? '';
    state.exclude = fields.exclude ?? '';
  };
  const render = () => {
    const id = current();
    sidebar.innerHTML = lib.renderSidebar(lib, data, { query: state.query, current: id });
    main.innerHTML = id && !state.query ? lib.renderNodePage(lib, data, id, state) : lib.renderOverview(lib, data, state);
    doc.title = `${id ? `${data.nodes[id].label} · ` : ''}${data.project} docs`;
    const drawing = main.querySelector?.<HTMLElement>('.lineage-box');
    if (drawing) {
      drawing.scrollLeft = Math.max(0, Number(drawing.getAttribute('data-focus-x')) - drawing.clientWidth / 2);
      drawing.scrollTop = Math.max(0, Number(drawing.getAttribute('data-focus-y')) - drawing.clientHeight / 2);
    }
  };
  // Narrow screens: the menu button opens the sidebar as a drawer; following a link closes it.
  const navToggle = doc.getElementById('nav-toggle');
  const showNav = (open: boolean) => {
    doc.body?.classList.toggle('nav-open', open);
    navToggle?.setAttribute('aria-expanded', String(open));
  };
  navToggle?.addEventListener('click', () => showNav(!doc.body?.classList.contains('nav-open')));
  win.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape') showNav(false);
  });
  search.addEventListener('input', () => {
    state.query = search.value.trim();
    render();
  });
  win.addEventListener('hashchange', () => {
    showNav(false);
    readSelection();
    state.query = '';
    search.value = '';
    render();
    main.scrollTop = 0;
    win.scrollTo?.(0, 0);
  });
  main.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest?.('button[data-code]');
    if (!button) return;
    state.code = button.getAttribute('data-code') === 'source' ? 'source' : 'compiled';
    render();
  });
  // The graph's selector box: applied on Enter or its button, as dbt docs' graph does.
  main.addEventListener('submit', (event) => {
    const form = event.target as HTMLFormElement | null;
    if (form?.getAttribute?.('data-form') !== 'select') return;
    event.preventDefault();
    state.select = (form.elements.namedItem('select') as HTMLInputElement | null)?.value.trim() ?? '';
    state.exclude = (form.elements.namedItem('exclude') as HTMLInputElement | null)?.value.trim() ?? '';
    const hash = [state.select ? `select=${encodeURIComponent(state.select)}` : '', state.exclude ? `exclude=${encodeURIComponent(state.exclude)}` : ''].filter(Boolean).join('&');
    // replaceState: no hashchange event (which would clear the search and scroll to the top), no history entry per try.
    win.history?.replaceState?.(null, '', hash ? `#${hash}` : win.location.pathname + win.location.search);
    render();
  });
  main.addEventListener('change', (event) => {
    const toggle = event.target as HTMLInputElement | null;
    if (toggle?.getAttribute?.('data-toggle') !== 'tests') return;
    state.showTests = toggle.checked;
    render();
  });
  readSelection();
  render();
}
