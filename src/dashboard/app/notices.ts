import { h } from './dom.js';

/** A live region for short messages: action results and errors. */
export function createNotices(): { element: HTMLElement; notify(message: string, kind?: 'info' | 'error'): void } {
  const element = h('div', { class: 'notices', role: 'status', 'aria-live': 'polite' });
  return {
    element,
    notify(message, kind = 'info') {
      const close = h('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss' }, '×');
      const notice = h('div', { class: `notice notice-${kind}` }, h('span', null, message), close);
      close.addEventListener('click', () => notice.remove());
      element.appendChild(notice);
      if (kind === 'info') setTimeout(() => notice.remove(), 5000);
    },
  };
}
