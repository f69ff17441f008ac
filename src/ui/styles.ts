import type { CSSProperties } from 'react';

/** Colours of statuses: background and text. The status is always written out too. */
const TONES: Record<string, [string, string]> = {
  ok: ['#e3f4e8', '#1f7a3d'],
  busy: ['#e2ecfb', '#1f5fb8'],
  paused: ['#fbf0d9', '#8a5a00'],
  bad: ['#fbe4e2', '#b3261e'],
  idle: ['#eceef2', '#545c6b'],
};

const TONE_OF: Record<string, keyof typeof TONES> = {
  Completed: 'ok',
  Running: 'busy',
  Queued: 'busy',
  Retrying: 'busy',
  Sleeping: 'paused',
  Waiting: 'paused',
  Paused: 'paused',
  Errored: 'bad',
  Failed: 'bad',
  Terminated: 'bad',
};

/** Style of a status badge. */
export function badgeStyle(status: string): CSSProperties {
  const [background, color] = TONES[TONE_OF[status] ?? 'idle']!;
  return { background, color, borderRadius: 999, padding: '1px 8px', fontSize: '0.8em', fontWeight: 600, whiteSpace: 'nowrap' };
}

/** Inline styles (no stylesheet to import; React writes them through the CSSOM, so a strict CSP allows them). */
export const styles = {
  root: { fontFamily: 'system-ui, sans-serif', fontSize: 14, color: '#1d2330', lineHeight: 1.45 },
  bar: { display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center', marginBottom: 8 },
  table: { width: '100%', borderCollapse: 'collapse' },
  th: { textAlign: 'left', fontSize: 12, color: '#5b6476', padding: '6px 8px', borderBottom: '1px solid #dde1e8' },
  td: { padding: '6px 8px', borderBottom: '1px solid #eceef2', verticalAlign: 'top' },
  link: { background: 'none', border: 0, padding: 0, font: 'inherit', color: '#2f5fd0', cursor: 'pointer', textDecoration: 'underline' },
  detail: { padding: '8px 12px', background: '#f6f7f9' },
  pre: { margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 12 },
  muted: { color: '#5b6476' },
  error: { color: '#b3261e' },
  chart: { margin: 0, padding: '8px 12px', border: '1px solid #dde1e8', borderRadius: 6, minWidth: 0 },
  plot: { width: '100%', minWidth: 0, overflow: 'hidden' },
  swatch: { display: 'inline-block', width: 10, height: 10, borderRadius: 2, verticalAlign: 'middle' },
  charts: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 26rem), 1fr))', gap: 12, margin: '8px 0' },
  tiles: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(7rem, 1fr))', gap: 8, margin: '8px 0' },
  tile: { margin: 0, padding: '6px 10px', border: '1px solid #dde1e8', borderRadius: 6 },
  tileValue: { margin: 0, fontSize: 18, fontWeight: 700, fontVariantNumeric: 'tabular-nums' },
  // the pressed and unpressed pills set the same properties (React warns when a rerender swaps a shorthand for its parts)
  pill: { fontFamily: 'inherit', fontSize: 12, fontWeight: 400, padding: '2px 10px', borderRadius: 999, border: '1px solid #dde1e8', background: '#fff', cursor: 'pointer' },
  pillOn: { fontFamily: 'inherit', fontSize: 12, fontWeight: 600, padding: '2px 10px', borderRadius: 999, border: '1px solid #2f5fd0', background: '#e2ecfb', cursor: 'pointer' },
} satisfies Record<string, CSSProperties>;
