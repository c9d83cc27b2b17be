// The teacher's table of a collection: each pupil's state (сдано / с
// опозданием / не сдано / возвращено) with the time and files, a comment or
// a return per row, one tap to remind everyone missing, and the ZIP.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { FileName } from '../kit/FileName.js';
import { BellRing, Download } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';
import { stateText, when } from './format.js';
import { type View, downloadZip, openFile, remindMissing, review } from './homeworkActions.js';

export function TeacherTable({
  store,
  view,
  changed,
}: { store: MessengerStore; view: View; changed: (v: View) => void }) {
  const c = view.collection ?? {};
  const id = c.collectionId ?? '';
  const [reminded, setReminded] = useState<number | null>(null);
  const missing = (view.submissions ?? []).filter(
    (s) =>
      s.state === cpb.SubmissionState.SUBMISSION_STATE_MISSING ||
      s.state === cpb.SubmissionState.SUBMISSION_STATE_RETURNED,
  ).length;
  return (
    <div class="hw-teacher">
      <div class="hw-actions">
        <button
          type="button"
          class="ghost"
          id="hw-remind"
          disabled={missing === 0}
          onClick={() => void remindMissing(store, id).then((n) => setReminded(n))}
        >
          <BellRing aria-hidden="true" /> {t('hw.remind')}
        </button>
        <button
          type="button"
          class="ghost"
          id="hw-zip"
          disabled={(c.submitted ?? 0) === 0}
          onClick={() => void downloadZip(store, id)}
        >
          <Download aria-hidden="true" /> {t('hw.zip')}
        </button>
      </div>
      {reminded !== null && (
        <output class="hw-note" id="hw-reminded">
          {t('hw.reminded', { count: reminded })}
        </output>
      )}
      <table class="hw-table">
        <thead>
          <tr>
            <th scope="col">{t('hw.pupil')}</th>
            <th scope="col">{t('hw.stateHead')}</th>
            <th scope="col">{t('hw.files')}</th>
          </tr>
        </thead>
        <tbody>
          {(view.submissions ?? []).map((s) => (
            <Row key={s.pupilId} store={store} id={id} s={s} changed={changed} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Row({
  store,
  id,
  s,
  changed,
}: { store: MessengerStore; id: string; s: cpb.ISubmission; changed: (v: View) => void }) {
  const [editing, setEditing] = useState(false);
  const [comment, setComment] = useState(s.comment ?? '');
  const handed = (s.files ?? []).length > 0;
  const save = async (returned: boolean) => {
    const v = await review(store, id, s.pupilId ?? '', comment.trim(), returned);
    if (v) {
      setEditing(false);
      changed(v);
    }
  };
  return (
    <tr class={`hw-row hw-state-${s.state ?? 0}`} data-pupil={s.pupilId}>
      <th scope="row">
        <span {...userText('hw-pupil')}>{s.pupilName}</span>
      </th>
      <td>
        <span class="hw-state">{stateText(s)}</span>
        {s.submittedAt ? <small class="hw-time">{when(s.submittedAt)}</small> : null}
        {s.remindedAt && !handed ? (
          <small class="hw-time">{t('hw.remindedAt', { time: when(s.remindedAt) })}</small>
        ) : null}
      </td>
      <td>
        <ul class="hw-files">
          {(s.files ?? []).map((f) => (
            <li key={f.fileId}>
              <button
                type="button"
                class="link"
                onClick={() => void openFile(store, id, s.pupilId ?? '', f.fileId ?? '')}
              >
                <FileName name={f.name ?? ''} />
              </button>
            </li>
          ))}
        </ul>
        {s.comment && !editing ? <p class="hw-comment">{s.comment}</p> : null}
        {handed && !editing && (
          <button type="button" class="ghost small" onClick={() => setEditing(true)}>
            {t('hw.review', { name: s.pupilName ?? '' })}
          </button>
        )}
        {editing && (
          <div class="hw-review">
            <label class="field">
              {t('hw.commentField')}
              <textarea
                rows={2}
                value={comment}
                maxLength={4000}
                onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)}
              />
            </label>
            <button type="button" class="primary small" onClick={() => void save(false)}>
              {t('hw.saveComment')}
            </button>
            <button type="button" class="ghost small" onClick={() => void save(true)}>
              {t('hw.return')}
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}
