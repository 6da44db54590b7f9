// The body map: the 19 Widespread Pain Index regions on a schematic figure, shaded by mean recent pain, with
// the same numbers as a list for screen readers and print.
import { h, s } from './dom.js';
import { formatNumber } from './format.js';
import { BODY_MAP_DAYS, type RegionPain } from './body-map.js';

/** Shade steps for mean pain 0-10 (light to dark); all meet 3:1 against the outline. */
const shade = (mean: number | undefined) => (mean === undefined ? 'none' : mean >= 7 ? 'severe' : mean >= 4 ? 'moderate' : 'mild');

export function bodyMapView(regions: RegionPain[]): HTMLElement {
  const reported = regions.filter((r) => r.count > 0).sort((a, b) => (b.mean ?? 0) - (a.mean ?? 0));
  return h(
    'div',
    { class: 'body-map' },
    s(
      'svg',
      { viewBox: '0 0 200 290', class: 'body-figure', role: 'img', 'aria-labelledby': 'body-map-title' },
      s('title', { id: 'body-map-title' }, `Pain by body region, last ${BODY_MAP_DAYS} days (front view; the patient's right on the left)`),
      s('circle', { class: 'head', cx: 100, cy: 14, r: 12 }),
      ...regions.map((r) => {
        const [x, y, w, hh] = r.region.box;
        return s(
          'rect',
          { class: `region ${shade(r.mean)}`, x, y, width: w, height: hh, rx: 4 },
          s(
            'title',
            {},
            r.count
              ? `${r.region.label}: mean ${formatNumber(r.mean!)} (${r.count} report${r.count === 1 ? '' : 's'})`
              : `${r.region.label}: no pain reported`,
          ),
        );
      }),
    ),
    reported.length
      ? h(
          'ul',
          { class: 'region-list', 'aria-label': `Body regions with pain, last ${BODY_MAP_DAYS} days` },
          ...reported.map((r) =>
            h(
              'li',
              {},
              h('span', { class: `swatch ${shade(r.mean)}`, 'aria-hidden': 'true' }),
              `${r.region.label}: mean ${formatNumber(r.mean!)}, ${r.count} report${r.count === 1 ? '' : 's'}`,
            ),
          ),
        )
      : h('p', { class: 'empty' }, `No body sites recorded in the last ${BODY_MAP_DAYS} days.`),
  );
}
