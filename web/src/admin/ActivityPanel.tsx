// «Активность» on /school (the school's admin): the seeds' monitoring table
// by week, its trend as a chart, the table as a CSV file, and this week's
// people. The server answers only the school's admin; this page only shows.
import { useEffect, useState } from 'preact/hooks';
import { type SchoolActivity, type WeekFigures, percent } from '../../../common/activityView.js';
import { errorKey, get } from '../account/api.js';
import type { AccountKey } from '../account/text.js';
import { lang, t } from '../i18n/index.js';
import { csvText, downloadCsv } from '../kit/csv.js';
import { userText } from '../kit/userText.js';
import { ActivityChart, weekLabel } from './ActivityChart.js';

const WEEKS = 8;

/** "07.12.2026" from a week's Monday. */
export function weekDate(week: string): string {
  const [y, m, d] = week.split('-');
  return `${d}.${m}.${y}`;
}

/** "0,3" in Russian (what a Russian spreadsheet reads as a number), "0.3" in English. */
const decimal = (n: number) => n.toLocaleString(lang.value === 'ru' ? 'ru-RU' : 'en-GB');

/** The table as the CSV file has it: a header and a row per week, newest first. */
export function activityRows(weeks: WeekFigures[]): (string | number)[][] {
  const share = (what: string) => t('activity.percentOf', { what });
  return [
    [
      t('activity.week'),
      t('activity.teachers'),
      t('activity.teachersWriting'),
      share(t('activity.teachersWriting')),
      t('activity.teachersCalling'),
      share(t('activity.teachersCalling')),
      t('activity.chatsPerTeacher'),
      t('activity.activeUsers'),
      t('activity.lessons'),
      t('activity.lessonMinutes'),
    ],
    ...[...weeks]
      .reverse()
      .map((w) => [
        weekDate(w.week),
        w.teachers,
        w.teachersWriting,
        percent(w.teachersWriting, w.teachers),
        w.teachersCalling,
        percent(w.teachersCalling, w.teachers),
        decimal(w.chatsPerTeacher),
        w.activeUsers,
        w.lessons,
        w.lessonMinutes,
      ]),
  ];
}

export function ActivityPanel({ onError }: { onError: (key: AccountKey) => void }) {
  const [view, setView] = useState<SchoolActivity | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once when the tab opens.
  useEffect(() => {
    get<SchoolActivity>(`/api/activity/school?weeks=${WEEKS}`)
      .then(setView)
      .catch((err: unknown) => onError(errorKey(err)));
  }, []);
  if (!view) return <p class="muted">{t('activity.loading')}</p>;
  const download = () =>
    downloadCsv(
      `${t('activity.csvName')} ${view.school.name} ${weekDate(view.weeks.at(-1)!.week)}.csv`,
      csvText(activityRows(view.weeks)),
    );
  const share = (part: number, total: number) =>
    t('activity.share', { percent: percent(part, total), count: part, total });
  return (
    <>
      <section class="card activity" aria-labelledby="activity-title">
        <div class="activity-head">
          <h2 id="activity-title">{t('activity.title')}</h2>
          <button type="button" class="small primary" id="activity-csv" onClick={download}>
            {t('activity.csv', { csv: 'CSV' })}
          </button>
        </div>
        <p class="hint">{t('activity.hint')}</p>
        <ActivityChart weeks={view.weeks} />
        <div class="activity-table-wrap">
          <table class="activity-table" id="activity-weeks">
            <thead>
              <tr>
                <th scope="col">{t('activity.week')}</th>
                <th scope="col">{t('activity.teachersWriting')}</th>
                <th scope="col">{t('activity.teachersCalling')}</th>
                <th scope="col">{t('activity.chatsPerTeacher')}</th>
                <th scope="col">{t('activity.activeUsers')}</th>
                <th scope="col">{t('activity.lessons')}</th>
                <th scope="col">{t('activity.lessonMinutes')}</th>
              </tr>
            </thead>
            <tbody>
              {[...view.weeks].reverse().map((w) => (
                <tr key={w.week} data-week={w.week}>
                  <th scope="row">{weekLabel(w.week)}</th>
                  <td>{share(w.teachersWriting, w.teachers)}</td>
                  <td>{share(w.teachersCalling, w.teachers)}</td>
                  <td>{decimal(w.chatsPerTeacher)}</td>
                  <td>{w.activeUsers}</td>
                  <td>{w.lessons}</td>
                  <td>{w.lessonMinutes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card activity" aria-labelledby="activity-people-title">
        <h2 id="activity-people-title">{t('activity.people')}</h2>
        {view.people.length === 0 ? (
          <p class="muted">{t('activity.peopleNone')}</p>
        ) : (
          <div class="activity-table-wrap">
            <table class="activity-table" id="activity-people">
              <thead>
                <tr>
                  <th scope="col">{t('activity.name')}</th>
                  <th scope="col">{t('activity.messages')}</th>
                  <th scope="col">{t('activity.calls')}</th>
                  <th scope="col">{t('activity.led')}</th>
                  <th scope="col">{t('activity.callMinutes')}</th>
                </tr>
              </thead>
              <tbody>
                {view.people.map((p) => (
                  <tr key={p.id} data-person={p.id}>
                    <th scope="row">
                      <span {...userText()}>{p.name}</span>
                      {p.teacher && <span class="hint"> · {t('activity.teacher')}</span>}
                    </th>
                    <td>{p.groupMessages}</td>
                    <td>{p.callsJoined}</td>
                    <td>{p.callsLed}</td>
                    <td>{p.callMinutes}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
