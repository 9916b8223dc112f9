// uPlot helpers: times in China Standard Time (domain.md §6: no daylight saving).
/* global document */
import uPlot from '/vendor/uplot/uPlot.esm.js';

const TZ = 'Asia/Shanghai';
export const COLORS = {
  today: '#1f6feb',
  yesterday: '#9aa7b8',
  capacity: '#d1242f',
  a: '#e3a008',
  b: '#2da44e',
  c: '#d1242f',
  limit: '#8250df',
  pf: '#0a7ea4',
};

const tzDate = (ts) => uPlot.tzDate(new Date(ts * 1000), TZ);
const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const mmdd = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, month: '2-digit', day: '2-digit' });

/** 24-hour clock labels in China Standard Time; dates when the range spans days. */
function timeLabels(u, splits) {
  const span = u.scales.x.max - u.scales.x.min;
  return splits.map((s) => (span > 1.5 * 86_400 ? mmdd.format(new Date(s * 1000)) : hhmm.format(new Date(s * 1000))));
}

/**
 * A line chart. series: [{ label, values, color, dash?, width?, fill? }] sharing x (seconds).
 * Replaces any chart already in el.
 */
export function lineChart(el, { x, series, height = 220, yLabel = '', compact = false, yRange }) {
  el.replaceChildren();
  const width = Math.max(el.clientWidth, 200);
  const opts = {
    width,
    height,
    tzDate,
    legend: { show: !compact, live: !compact },
    cursor: { show: !compact, drag: { x: false, y: false } },
    padding: compact ? [6, 4, 0, 0] : [10, 10, 0, 0],
    scales: { x: { time: true }, y: yRange ? { range: yRange } : { auto: true } },
    axes: compact
      ? [
          {
            show: true,
            size: 22,
            space: 50,
            values: timeLabels,
            font: '10px system-ui',
            stroke: '#6b7785',
            grid: { show: false },
            ticks: { size: 3 },
          },
          {
            show: true,
            size: 42,
            font: '10px system-ui',
            stroke: '#6b7785',
            grid: { stroke: '#eef1f4' },
            ticks: { show: false },
          },
        ]
      : [
          { stroke: '#57606a', grid: { stroke: '#eef1f4' }, space: 70, values: timeLabels },
          { stroke: '#57606a', grid: { stroke: '#eef1f4' }, label: yLabel, size: 64 },
        ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 2,
        dash: s.dash,
        fill: s.fill,
        spanGaps: false,
        points: { show: false },
      })),
    ],
  };
  const chart = new uPlot(opts, [x, ...series.map((s) => s.values)], el);
  return chart;
}

export function emptyNote(el, text) {
  const note = document.createElement('div');
  note.className = 'chart-empty';
  note.textContent = text;
  el.replaceChildren(note);
}
