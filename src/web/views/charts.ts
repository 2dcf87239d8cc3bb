// Small bar charts drawn on the server as SVG: no chart library, no script, readable without colour
// (each chart has a text summary and the bars carry <title>s), themed by CSS classes.
import { type Html, html } from '../html.ts';

export interface Bar {
  label: string;
  value: number;
}

const WIDTH = 320;
const HEIGHT = 96;
const GAP = 2;

export function barChart(title: string, bars: Bar[]): Html {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const w = bars.length ? (WIDTH - GAP * (bars.length - 1)) / bars.length : WIDTH;
  const last = bars[bars.length - 1];
  const sum = bars.reduce((n, b) => n + b.value, 0);
  const summary = `${title}: ${sum} over ${bars.length} weeks${last ? `, ${last.value} in the latest week` : ''}, at most ${max} in a week.`;
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" height="${HEIGHT}" role="img" aria-label="${summary}" preserveAspectRatio="none">
  <line class="chart__axis" x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}"></line>
  ${bars.map((b, i) => {
    const h = b.value === 0 ? 0 : Math.max(2, (b.value / max) * (HEIGHT - 4));
    return html`<rect class="chart__bar" x="${(i * (w + GAP)).toFixed(1)}" y="${(HEIGHT - h).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}"><title>${b.label}: ${b.value}</title></rect>`;
  })}
</svg>`;
}
