// The range control: one button per range (30 days, 90 days, 1 year, all), the chosen one pressed.
import { h } from './dom.js';
import { RANGES, type RangeKey } from './range.js';

export function rangeView(current: RangeKey, choose: (key: RangeKey) => void): HTMLElement {
  return h(
    'div',
    { class: 'range', role: 'group', 'aria-label': 'Time range' },
    ...RANGES.map((r) => {
      const button = h('button', { type: 'button', 'aria-pressed': r.key === current ? 'true' : 'false' }, r.label);
      button.addEventListener('click', () => choose(r.key));
      return button;
    }),
  );
}
