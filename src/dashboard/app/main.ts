import { isUnauthorized, signIn, type Api } from './api.js';
import { createConnectionBadge } from './connection.js';
import type { AppContext } from './context.js';
import { h, replaceChildren, type View } from './dom.js';
import { insightsView } from './insights-view.js';
import { listView } from './list-view.js';
import { createNotices } from './notices.js';
import { ALERTS_HASH, listHash, parseRoute, type Route } from './routes.js';
import { alertsView } from './alerts-view.js';
import { runView } from './run-view.js';
import { forgetKey, savedKey, saveKey } from './session.js';
import { signInView } from './sign-in.js';

const root = document.getElementById('app')!;

/** The document title of each view but a run's. */
const TITLES = { list: 'Runs', insights: 'Insights', alerts: 'Alerts' } as const;

/** Shows the sign-in form, or the dashboard when this tab already has a key. */
function start(reason?: string): void {
  const key = savedKey();
  if (key && !reason) {
    signIn(key).then(showDashboard, (error: unknown) => {
      forgetKey();
      start(isUnauthorized(error) ? 'The service refused the key.' : `Could not reach the service: ${error instanceof Error ? error.message : String(error)}`);
    });
    return;
  }
  replaceChildren(
    root,
    signInView((api, value) => {
      saveKey(value);
      showDashboard(api);
    }, reason),
  );
}

/** The signed-in page: header, notices, and the view the location hash names. */
function showDashboard(api: Api): void {
  const connection = createConnectionBadge();
  const notices = createNotices();
  const main = h('main', { id: 'main', tabindex: -1 });
  let view: View | null = null;
  let lastList = '#/';

  const signOut = (reason?: string) => {
    view?.dispose();
    view = null;
    window.removeEventListener('hashchange', route);
    forgetKey();
    start(reason ?? 'Signed out.');
  };
  const ctx: AppContext = {
    api,
    setConnection: connection.set,
    notify: notices.notify,
    signOut,
    lastListHash: () => lastList,
  };

  const VIEWS: { [V in Route['view']]: (route: Extract<Route, { view: V }>) => View } = {
    list: (r) => listView(ctx, r.filters),
    insights: (r) => insightsView(ctx, r.filters, r.range),
    alerts: () => alertsView(ctx),
    run: (r) => runView(ctx, r.id),
  };

  function route(): void {
    const next = parseRoute(location.hash);
    view?.dispose();
    if (next.view === 'list') lastList = listHash(next.filters);
    view = (VIEWS[next.view] as (route: Route) => View)(next);
    replaceChildren(main, view.element);
    document.title = next.view === 'run' ? `Run ${next.id} · Flowflare` : `${TITLES[next.view]} · Flowflare`;
    for (const link of nav.querySelectorAll('a')) {
      if (link.dataset.view === next.view) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  const nav = h(
    'nav',
    { class: 'views', 'aria-label': 'Views' },
    h('a', { href: '#/', 'data-view': 'list' }, 'Runs'),
    h('a', { href: '#/insights', 'data-view': 'insights' }, 'Insights'),
    h('a', { href: ALERTS_HASH, 'data-view': 'alerts' }, 'Alerts'),
  );

  const header = h(
    'header',
    { class: 'top' },
    // focuses the content without touching the hash, which holds the route
    h('button', { type: 'button', class: 'skip-link', onclick: () => main.focus() }, 'Skip to content'),
    h('a', { href: '#/', class: 'brand' }, 'Flowflare'),
    nav,
    connection.element,
    h('span', { class: 'signed-in', title: 'The key this page uses' }, `${api.caller.name} · ${api.caller.role}`),
    h('button', { type: 'button', class: 'button sign-out', onclick: () => signOut() }, 'Sign out'),
  );
  replaceChildren(root, header, notices.element, main);
  window.addEventListener('hashchange', route);
  route();
}

start();
