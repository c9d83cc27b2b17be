// The weeks' trend as a line chart drawn in SVG: two shares of teachers
// (writing 10+ messages, in a call) from 0 to 100 %. Drawn here rather than
// with a chart library: the canvas ones (Chart.js, uPlot) paint pixels that
// neither a screen reader nor a browser test can read, and two lines of at
// most 26 points need no more than this file.
import { type WeekFigures, percent } from '../../../common/activityView.js';
import { t } from '../i18n/index.js';

const W = 360;
const H = 190;
const LEFT = 50;
const RIGHT = 22;
const TOP = 12;
const BOTTOM = 30;

export function weekLabel(week: string): string {
  const [, m, d] = week.split('-');
  return `${d}.${m}`;
}

export function ActivityChart({ weeks }: { weeks: WeekFigures[] }) {
  const x = (i: number) => LEFT + (weeks.length < 2 ? 0 : (i * (W - LEFT - RIGHT)) / (weeks.length - 1));
  const y = (p: number) => TOP + ((100 - p) * (H - TOP - BOTTOM)) / 100;
  const series = [
    {
      key: 'writing',
      label: t('activity.chartWriting'),
      value: (w: WeekFigures) => percent(w.teachersWriting, w.teachers),
    },
    {
      key: 'calling',
      label: t('activity.chartCalling'),
      value: (w: WeekFigures) => percent(w.teachersCalling, w.teachers),
    },
  ];
  // Every label on a phone-sized chart would overlap past eight weeks.
  const every = Math.ceil(weeks.length / 8);
  return (
    <figure class="activity-chart" aria-labelledby="activity-chart-title">
      <figcaption id="activity-chart-title">{t('activity.chart')}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="activity-chart-title">
        <title>{t('activity.chart')}</title>
        {[0, 50, 100].map((p) => (
          <g key={p}>
            <line class="grid" x1={LEFT} x2={W - RIGHT} y1={y(p)} y2={y(p)} />
            <text class="axis" x={LEFT - 6} y={y(p) + 4} text-anchor="end">
              {`${p} %`}
            </text>
          </g>
        ))}
        {weeks.map((w, i) =>
          i % every === 0 || i === weeks.length - 1 ? (
            <text
              key={w.week}
              class={(weeks.length - 1 - i) % 2 ? 'axis odd' : 'axis'}
              x={x(i)}
              y={H - 8}
              text-anchor="middle"
            >
              {weekLabel(w.week)}
            </text>
          ) : null,
        )}
        {series.map((s) => (
          <g key={s.key} class={`line ${s.key}`} data-series={s.key}>
            <polyline points={weeks.map((w, i) => `${x(i)},${y(s.value(w))}`).join(' ')} />
            {weeks.map((w, i) => (
              <circle key={w.week} cx={x(i)} cy={y(s.value(w))} r={3.5} data-value={s.value(w)}>
                <title>{`${weekLabel(w.week)}: ${s.value(w)} %`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <ul class="activity-legend">
        {series.map((s) => (
          <li key={s.key} class={s.key}>
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
