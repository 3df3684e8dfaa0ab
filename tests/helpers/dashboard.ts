import { dashboard, type DashboardOptions } from '../../src/api.js';

export interface RunningDashboard {
  url: string;
  /** GET a path of the running dashboard: status, parsed JSON (when JSON) and text. */
  get(path: string, init?: RequestInit): Promise<{ status: number; json: unknown; text: string; type: string }>;
  stop(): Promise<void>;
}

/** `kpi dashboard` through the API on a free port, until stop(). */
export async function startDashboard(options: Omit<DashboardOptions, 'signal' | 'onListening' | 'out'>): Promise<RunningDashboard> {
  const controller = new AbortController();
  let listening: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const served = dashboard({ port: 0, ...options, signal: controller.signal, onListening: (server) => listening(server.url) });
  const address = await Promise.race([url, served.then(() => Promise.reject(new Error('the dashboard stopped before it listened')))]);
  return {
    url: address,
    async get(path, init) {
      // A kept-alive socket the server closes as the request goes out is reset: Node's fetch
      // does not retry it, a browser would (the request only reads).
      const response = await fetch(new URL(path, address), init).catch((error: Error & { cause?: { code?: string } }) => {
        if (error.cause?.code !== 'ECONNRESET') throw error;
        return fetch(new URL(path, address), init);
      });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return { status: response.status, json: type.startsWith('application/json') ? (JSON.parse(text) as unknown) : null, text, type };
    },
    async stop() {
      controller.abort();
      await served;
    },
  };
}
