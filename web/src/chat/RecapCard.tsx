// «Итоги урока»: the card a lesson leaves in its class chat when it ends,
// a link to the lesson's page (recording, chat log, attendance); «Запись
// урока» when the teacher shares the lesson's recording with the class.
import { t } from '../i18n/index.js';
import { ClipboardList } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { lessonWhen } from '../recap/recapWords.js';
import type { Msg } from './format.js';

export const recapHref = (lessonId: string) => `/lessons/${encodeURIComponent(lessonId)}`;

export function RecapCard({ m }: { m: Msg }) {
  const r = m.recap;
  if (!r?.lessonId) return null;
  return (
    <a
      class="recap-card"
      href={recapHref(r.lessonId)}
      aria-label={t(r.recording ? 'recap.cardRecordingLabel' : 'recap.cardLabel', { title: r.title ?? '' })}
    >
      <ClipboardList aria-hidden="true" />
      <span class="recap-card-text">
        <strong>{t(r.recording ? 'recap.cardRecording' : 'recap.title')}</strong>
        <span {...userText('recap-card-title')}>{r.title}</span>
        <span class="recap-card-when">{lessonWhen(r.startedAt ?? 0, r.endedAt ?? 0)}</span>
      </span>
    </a>
  );
}
