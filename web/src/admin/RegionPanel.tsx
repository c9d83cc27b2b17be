// A region's monitoring on /region (the people a region names as its admins):
// the region's schools in one table for a chosen week, how many schools were
// active week by week, the region's shares of teachers as a chart, and every
// school's weeks as one CSV file. Schools only, never people: the server
// answers nothing finer.
import { useState } from 'preact/hooks';
import { type RegionActivity, type WeekFigures, percent } from '../../../common/activityView.js';
import { lang, t } from '../i18n/index.js';
import { csvText, downloadCsv } from '../kit/csv.js';
import { userText } from '../kit/userText.js';
import { ActivityChart, weekLabel } from './ActivityChart.js';
import { activityRows, weekDate } from './ActivityPanel.js';

type Region = RegionActivity['regions'][number];

const decimal = (n: number) => n.toLocaleString(lang.value === 'ru' ? 'ru-RU' : 'en-GB');

/** The region's weeks as one school's: the schools' counts added up (shares are taken of the sums). */
export function regionWeeks(region: Region): WeekFigures[] {
  return region.weeks.map(({ week }, i) => {
    const of = region.schools.map((s) => s.weeks[i]!);
    const sum = (k: keyof Omit<WeekFigures, 'week' | 'chatsPerTeacher' | 'lessonMinutes'>) =>
      of.reduce((n, w) => n + w[k], 0);
    const teachers = sum('teachers');
    const lessons = sum('lessons');
    const chats = of.reduce((n, w) => n + w.chatsPerTeacher * w.teachers, 0);
    const minutes = of.reduce((n, w) => n + w.lessonMinutes * w.lessons, 0);
    return {
      week,
      teachers,
      teachersWriting: sum('teachersWriting'),
      teachersCalling: sum('teachersCalling'),
      chatsPerTeacher: teachers === 0 ? 0 : Math.round((10 * chats) / teachers) / 10,
      activeUsers: sum('activeUsers'),
      lessons,
      lessonMinutes: lessons === 0 ? 0 : Math.round(minutes / lessons),
    };
  });
}

/** Every school's weeks, newest first, under one header with the school's name in front. */
export function regionRows(region: Region): (string | number)[][] {
  const header = [t('region.school'), ...activityRows([])[0]!, t('region.active')];
  const rows = region.schools.flatMap((s) =>
    activityRows(s.weeks)
      .slice(1)
      .map((row, i) => [
        s.name,
        ...row,
        s.weeks[s.weeks.length - 1 - i]!.active ? t('region.yes') : t('region.no'),
      ]),
  );
  return [header, ...rows];
}

export function RegionPanel({ region }: { region: Region }) {
  const last = region.weeks.length - 1;
  const [at, setAt] = useState(last);
  const week = region.weeks[at]!;
  const share = (part: number, total: number) =>
    t('activity.share', { percent: percent(part, total), count: part, total });
  const schools = [...region.schools].sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  const download = () =>
    downloadCsv(
      `${t('region.csvName')} ${region.name} ${weekDate(region.weeks[last]!.week)}.csv`,
      csvText(regionRows(region)),
    );
  const titleId = `region-${region.id}-title`;
  return (
    <section class="card activity region" aria-labelledby={titleId} data-region={region.id}>
      <div class="activity-head">
        <h2 id={titleId} {...userText()}>
          {region.name}
        </h2>
        <button type="button" class="small primary" onClick={download}>
          {t('activity.csv', { csv: 'CSV' })}
        </button>
      </div>
      <p class="region-summary">
        {t('region.activeNow', { count: region.weeks[last]!.activeSchools, total: region.schools.length })}
      </p>
      <p class="hint">{t('region.hint')}</p>
      <ActivityChart weeks={regionWeeks(region)} />
      <div class="activity-head">
        <h3>{t('region.schools')}</h3>
        <label class="region-week">
          {t('region.pickWeek')}{' '}
          <select value={String(at)} onChange={(e) => setAt(Number((e.target as HTMLSelectElement).value))}>
            {region.weeks.map((w, i) => (
              <option key={w.week} value={String(i)}>
                {i === last ? t('region.thisWeek', { week: weekLabel(w.week) }) : weekLabel(w.week)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="activity-table-wrap">
        <table class="activity-table region-schools" data-week={week.week}>
          <thead>
            <tr>
              <th scope="col">{t('region.school')}</th>
              <th scope="col">{t('activity.teachersWriting')}</th>
              <th scope="col">{t('activity.teachersCalling')}</th>
              <th scope="col">{t('activity.chatsPerTeacher')}</th>
              <th scope="col">{t('activity.activeUsers')}</th>
              <th scope="col">{t('activity.lessons')}</th>
              <th scope="col">{t('region.active')}</th>
            </tr>
          </thead>
          <tbody>
            {schools.map((s) => {
              const w = s.weeks[at]!;
              return (
                <tr key={s.id} data-school={s.id}>
                  <th scope="row">
                    <span {...userText()}>{s.name}</span>
                  </th>
                  <td>{share(w.teachersWriting, w.teachers)}</td>
                  <td>{share(w.teachersCalling, w.teachers)}</td>
                  <td>{decimal(w.chatsPerTeacher)}</td>
                  <td>{w.activeUsers}</td>
                  <td>{w.lessons}</td>
                  <td>{w.active ? t('region.yes') : t('region.no')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3>{t('region.byWeek')}</h3>
      <div class="activity-table-wrap">
        <table class="activity-table region-weeks">
          <thead>
            <tr>
              <th scope="col">{t('activity.week')}</th>
              <th scope="col">{t('region.activeSchools')}</th>
            </tr>
          </thead>
          <tbody>
            {[...region.weeks].reverse().map((w) => (
              <tr key={w.week} data-week={w.week}>
                <th scope="row">{weekLabel(w.week)}</th>
                <td>{share(w.activeSchools, region.schools.length)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
