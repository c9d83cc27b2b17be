// «Итоги урока», /lessons/<id>: the lesson's title and times, what it left
// (recording, transcript, board: LessonMaterials.tsx), its chat log, and for
// its teachers the attendance table with «Скачать CSV». What the
// page holds comes from the server as this person may see it
// (attendance/recap.ts): a pupil's page has no attendance in it at all.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { downloadCsv } from '../kit/csv.js';
import { ArrowLeft, Download } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { LessonMaterials, type RecapApi } from './LessonMaterials.js';
import { attendanceCsv } from './attendanceCsv.js';
import { type cpb, duration, hhmm, lessonWhen, roleWord } from './recapWords.js';

type Loaded = { page: cpb.ILessonRecapPage } | { error: string } | null;

export function RecapPage({ api }: { api: RecapApi }) {
  const [state, setState] = useState<Loaded>(null);
  useEffect(() => {
    api.page().then(
      (page) => setState({ page }),
      (err: unknown) => setState({ error: err instanceof Error ? err.message : String(err) }),
    );
  }, [api]);
  if (!state) {
    return (
      <main class="page recap-page" aria-busy="true">
        <output class="connecting">{t('recap.loading')}</output>
      </main>
    );
  }
  if ('error' in state) {
    return (
      <main class="page recap-page" id="recap" aria-labelledby="recap-title">
        <div class="page-top">
          <span />
          <LanguageSwitch />
        </div>
        <h1 id="recap-title">{t('recap.title')}</h1>
        <p role="alert">{state.error}</p>
      </main>
    );
  }
  const { page } = state;
  const lesson = page.lesson ?? {};
  const started = lesson.startedAt ?? 0;
  const ended = lesson.endedAt ?? 0;
  return (
    <main class="page recap-page" id="recap" aria-labelledby="recap-title">
      <div class="page-top">
        {page.chatId ? (
          <a class="button ghost recap-back" href={`/messenger#chat=${encodeURIComponent(page.chatId)}`}>
            <ArrowLeft aria-hidden="true" /> {t('recap.toChat')}
          </a>
        ) : (
          <span />
        )}
        <LanguageSwitch />
      </div>
      <p class="recap-kicker">{t('recap.title')}</p>
      <h1 id="recap-title" {...userText()}>
        {lesson.title}
      </h1>
      <p class="recap-when">
        {lessonWhen(started, ended)}
        {page.ended && ended > started ? ` · ${duration((ended - started) / 1000)}` : null}
        {page.ended ? null : ` · ${t('recap.running')}`}
      </p>
      {page.ended ? (
        <LessonMaterials page={page} api={api} onPage={(next) => setState({ page: next })} />
      ) : null}
      {page.attendanceShown ? <Attendance page={page} /> : null}
      <ChatLog messages={page.chatLog ?? []} />
    </main>
  );
}

function Attendance({ page }: { page: cpb.ILessonRecapPage }) {
  const rows = page.attendance ?? [];
  const download = () => {
    const day = new Date(page.lesson?.startedAt ?? Date.now()).toISOString().slice(0, 10);
    downloadCsv(`${t('recap.csvName')} ${page.lesson?.title ?? ''} ${day}.csv`, attendanceCsv(rows));
  };
  return (
    <section class="recap-section" id="recap-attendance" aria-labelledby="recap-attendance-title">
      <div class="recap-section-head">
        <h2 id="recap-attendance-title">{t('recap.attendance', { count: rows.length })}</h2>
        <button type="button" class="primary" id="recap-csv" onClick={download} disabled={rows.length === 0}>
          <Download aria-hidden="true" /> {t('recap.csv', { csv: 'CSV' })}
        </button>
      </div>
      <div class="recap-table-wrap">
        <table class="recap-table">
          <thead>
            <tr>
              <th scope="col">{t('recap.col.name')}</th>
              <th scope="col">{t('recap.col.time')}</th>
              <th scope="col">{t('recap.col.in')}</th>
              <th scope="col">{t('recap.col.visits')}</th>
              <th scope="col">{t('recap.col.hands')}</th>
              <th scope="col">{t('recap.col.messages')}</th>
              <th scope="col">{t('recap.col.polls')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.userId} data-user={a.userId}>
                <th scope="row">
                  <span {...userText('recap-name')}>{a.name}</span>
                  <span class="recap-role">{roleWord(a)}</span>
                </th>
                <td>{duration(a.seconds ?? 0)}</td>
                <td>
                  {hhmm(a.firstJoinedAt ?? 0)}–{hhmm(a.lastLeftAt ?? 0)}
                </td>
                <td>{a.visits ?? 0}</td>
                <td>{a.handsRaised ?? 0}</td>
                <td>{a.messages ?? 0}</td>
                <td>{a.pollAnswers ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ChatLog({ messages }: { messages: cpb.IChatMessage[] }) {
  return (
    <section class="recap-section" id="recap-chat" aria-labelledby="recap-chat-title">
      <h2 id="recap-chat-title">{t('recap.chat')}</h2>
      {messages.length === 0 ? (
        <p class="recap-empty">{t('recap.chatEmpty')}</p>
      ) : (
        <ol class="recap-chat">
          {messages.map((m) => (
            <li key={m.seq}>
              <span class="recap-chat-meta">
                <strong {...userText()}>{m.senderName}</strong> <time>{hhmm(m.sentAt ?? 0)}</time>
              </span>
              <span class="recap-chat-text">
                {m.text || (m.poll ? m.poll.question : '') || t('recap.attachment')}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
