import { TIME_RANGES, type TimeRange } from '../../ui/insights/ranges.js';
import { h } from './dom.js';

/** Buttons that pick Insights' time range; the current one is pressed. */
export function createRangePicker(current: TimeRange, onPick: (range: TimeRange) => void): HTMLElement {
  return h(
    'div',
    { class: 'ranges', role: 'group', 'aria-label': 'Time range' },
    (Object.keys(TIME_RANGES) as TimeRange[]).map((range) =>
      h(
        'button',
        { type: 'button', class: 'range', 'data-range': range, 'aria-pressed': String(range === current), onclick: () => onPick(range) },
        TIME_RANGES[range].label,
      ),
    ),
  );
}
