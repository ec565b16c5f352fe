import type { BrowserContext, Page } from 'playwright-core';

/** Realtime sockets and RPC calls seen from the pages of one browser context. */
export interface ContextProbe {
  /** realtime WebSockets opened so far, by page */
  sockets: Array<{ page: Page; openedAt: number; closedAt: number | null }>;
  /** REST RPC calls, by page and function name */
  rpcs: Array<{ page: Page; fn: string; at: number }>;
  openSockets(): number;
  rpcCount(fn?: string, since?: number, page?: Page): number;
  /** the page whose realtime socket is open (the leader), if exactly one */
  socketPage(): Page | null;
  /** call for every page before its first navigation */
  watch(page: Page): Page;
}

export function probeContext(_ctx?: BrowserContext): ContextProbe {
  const probe: ContextProbe = {
    sockets: [],
    rpcs: [],
    openSockets: () => probe.sockets.filter((s) => s.closedAt === null).length,
    rpcCount: (fn, since = 0, page) =>
      probe.rpcs.filter((r) => (fn === undefined || r.fn === fn) && r.at >= since && (page === undefined || r.page === page)).length,
    socketPage() {
      const open = probe.sockets.filter((s) => s.closedAt === null);
      return open.length === 1 ? open[0]!.page : null;
    },
    watch(page) {
      page.on('websocket', (ws) => {
        if (!ws.url().includes('/realtime/v1/websocket')) return;
        const entry = { page, openedAt: Date.now(), closedAt: null as number | null };
        probe.sockets.push(entry);
        ws.on('close', () => (entry.closedAt ??= Date.now()));
      });
      const gone = () => {
        for (const s of probe.sockets) if (s.page === page) s.closedAt ??= Date.now();
      };
      page.on('close', gone);
      page.on('crash', gone);
      // a new document: the old one's sockets went with it (Chromium does not always report their close)
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) gone();
      });
      page.on('request', (req) => {
        const m = /\/rest\/v1\/rpc\/([a-z_]+)/.exec(req.url());
        if (m) probe.rpcs.push({ page, fn: m[1]!, at: Date.now() });
      });
      return page;
    },
  };
  return probe;
}

/** The KPI values and activity ids a page shows. */
export async function shown(page: Page): Promise<{ kpis: Record<string, number | null>; feed: number[] }> {
  return page.evaluate(() => {
    const kpis: Record<string, number | null> = {};
    for (const el of document.querySelectorAll('[data-testid^="kpi-"]')) {
      const v = el.getAttribute('data-value');
      kpis[el.getAttribute('data-testid')!.slice(4)] = v === null ? null : Number(v);
    }
    const feed = [...document.querySelectorAll('[data-testid="activity-item"]')].map((el) => Number(el.getAttribute('data-activity-id')));
    return { kpis, feed };
  });
}
