import { h } from './dom.js';
import { prettyJson } from './format.js';

/** A titled, collapsible block of indented JSON that re-renders only when its text changes. */
export function createJsonSection(title: string, open = true): { element: HTMLElement; set(value: unknown): void } {
  const pre = h('pre', { class: 'json', tabindex: 0 });
  const element = h('details', { class: 'json-section', open }, h('summary', null, title), pre);
  return {
    element,
    set(value) {
      const text = value === null || value === undefined ? 'none' : prettyJson(value);
      if (pre.textContent !== text) pre.textContent = text;
    },
  };
}
