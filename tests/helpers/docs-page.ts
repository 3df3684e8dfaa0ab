import vm from 'node:vm';

interface FakeElement {
  id: string;
  innerHTML: string;
  textContent: string;
  value: string;
  scrollTop: number;
  listeners: Record<string, Array<(event: unknown) => void>>;
  attributes: Record<string, string>;
  addEventListener(type: string, listener: (event: unknown) => void): void;
  setAttribute(name: string, value: string): void;
}

function element(id: string, textContent = ''): FakeElement {
  return {
    id,
    innerHTML: '',
    textContent,
    value: '',
    scrollTop: 0,
    listeners: {},
    attributes: {},
    addEventListener(type, listener) {
      (this.listeners[type] ??= []).push(listener);
    },
    setAttribute(name, value) {
      this.attributes[name] = value;
    },
  };
}

/** HTML text back to the text a reader sees: tags dropped, entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Run a generated docs page's script against a minimal stand-in for the browser DOM
 * (the elements it looks up, the hash, events), so tests can drive it like a reader:
 * open a node, search, toggle tests in the lineage, switch the code tab.
 */
export function openDocsPage(html: string) {
  const data = /<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/.exec(html);
  const script = /<script>\n([\s\S]*?)\n<\/script>/.exec(html);
  if (!data || !script) throw new Error('no data or script element in the page');
  const elements: Record<string, FakeElement> = {
    sidebar: element('sidebar'),
    main: element('main'),
    search: element('search'),
    'nav-toggle': element('nav-toggle'),
    [data[1]]: element(data[1], data[2]),
  };
  const listeners: Record<string, Array<() => void>> = {};
  const classes = new Set<string>();
  const classList = { toggle: (name: string, on: boolean) => (on ? classes.add(name) : classes.delete(name)), contains: (name: string) => classes.has(name) };
  const document = { title: '', body: { classList }, getElementById: (id: string) => elements[id] ?? null };
  const window = { document, location: { hash: '' }, addEventListener: (type: string, listener: () => void) => (listeners[type] ??= []).push(listener) };
  // Only what a browser gives every script: no Node globals (require, process, Buffer) to lean on.
  vm.runInContext(script[1], vm.createContext({ window, document }));
  const fire = (target: FakeElement, type: string, event: unknown = {}) => target.listeners[type]?.forEach((listener) => listener(event));
  return {
    get main() {
      return elements.main.innerHTML;
    },
    get sidebar() {
      return elements.sidebar.innerHTML;
    },
    get title() {
      return document.title;
    },
    data: JSON.parse(data[2]) as { nodes: Record<string, { id: string; type: string; label: string }>; edges: Array<[string, string]> },
    /** Follow a link to this hash (`#select=...`, `#!/<id>`). */
    navigate(hash: string) {
      window.location.hash = hash;
      listeners.hashchange?.forEach((listener) => listener());
    },
    open(id: string) {
      window.location.hash = `#!/${encodeURIComponent(id)}`;
      listeners.hashchange?.forEach((listener) => listener());
    },
    search(text: string) {
      elements.search.value = text;
      fire(elements.search, 'input');
    },
    showTests(checked: boolean) {
      fire(elements.main, 'change', { target: { checked, getAttribute: (name: string) => (name === 'data-toggle' ? 'tests' : null) } });
    },
    /** Press the menu button narrow screens show; whether the sidebar drawer is open, as the body's class and the button's aria-expanded say. */
    toggleNav() {
      fire(elements['nav-toggle'], 'click');
    },
    get navOpen(): { bodyClass: boolean; ariaExpanded: string | undefined } {
      return { bodyClass: classes.has('nav-open'), ariaExpanded: elements['nav-toggle'].attributes['aria-expanded'] };
    },
    /** Type into the landing graph's --select / --exclude boxes and press Enter. */
    selectGraph(select: string, exclude = '') {
      const values: Record<string, string> = { select, exclude };
      const form = { getAttribute: (name: string) => (name === 'data-form' ? 'select' : null), elements: { namedItem: (name: string) => ({ value: values[name] }) } };
      fire(elements.main, 'submit', { target: form, preventDefault() {} });
    },
    /** The SQL the code section shows, as the reader reads it (highlighting dropped). */
    get code(): string {
      const match = /<pre class="sql"><code>([\s\S]*?)<\/code><\/pre>/.exec(elements.main.innerHTML);
      return match ? htmlText(match[1]) : '';
    },
    /** The ids of the boxes the lineage drawing shows now. */
    get graphNodes(): string[] {
      return [...elements.main.innerHTML.matchAll(/<a href="[^"]*" class="lnode[^"]*" data-id="([^"]+)"/g)].map((match) => htmlText(match[1])).sort();
    },
    showCode(which: 'compiled' | 'source') {
      const button = { getAttribute: () => which };
      fire(elements.main, 'click', { target: { closest: () => button } });
    },
  };
}
