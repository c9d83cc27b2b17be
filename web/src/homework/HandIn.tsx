// A pupil's own hand-in (and a parent's view of their child's): the state,
// the files, the teacher's comment; the pupil picks files or takes a photo
// with the phone's camera and hands them in, replacing what was there,
// until the deadline (after it, a first hand-in is marked late).
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { FileName } from '../kit/FileName.js';
import { Camera, Upload } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { type MessengerStore, cpb } from '../messenger/messengerStore.js';
import { allowedText, stateText, when } from './format.js';
import { type View, handIn, openFile, takes } from './homeworkActions.js';

export function HandIn({
  store,
  view,
  changed,
}: { store: MessengerStore; view: View; changed: (v: View) => void }) {
  const c = view.collection ?? {};
  const isPupil = store.me.value?.role === cpb.UserRole.USER_ROLE_STUDENT;
  return (
    <div class="hw-handin">
      <p class="hw-allowed">{allowedText(c)}</p>
      {(view.submissions ?? []).map((s) => (
        <Own key={s.pupilId} store={store} c={c} s={s} isPupil={isPupil} changed={changed} />
      ))}
    </div>
  );
}

function Own({
  store,
  c,
  s,
  isPupil,
  changed,
}: {
  store: MessengerStore;
  c: cpb.ICollection;
  s: cpb.ISubmission;
  isPupil: boolean;
  changed: (v: View) => void;
}) {
  const [files, setFiles] = useState<File[]>([]);
  const [percent, setPercent] = useState<number | null>(null);
  const S = cpb.SubmissionState;
  const past = Date.now() > (c.deadline ?? 0);
  const handed = s.state === S.SUBMISSION_STATE_SUBMITTED || s.state === S.SUBMISSION_STATE_LATE;
  const mayHandIn = isPupil && !(past && handed);
  const add = (list: FileList | null) => {
    const picked = [...(list ?? [])];
    const refused = picked.find((f) => !takes(c, f));
    if (refused) store.say(t('chatError.36'));
    setFiles([...files, ...picked.filter((f) => takes(c, f))]);
  };
  const send = async () => {
    setPercent(0);
    const v = await handIn(store, c, files, setPercent);
    setPercent(null);
    if (v) {
      setFiles([]);
      changed(v);
    }
  };
  return (
    <section class="hw-own" aria-label={isPupil ? t('hw.yours') : (s.pupilName ?? '')}>
      {!isPupil && <h3 {...userText()}>{s.pupilName}</h3>}
      <p class={`hw-state hw-state-${s.state ?? 0}`} id="hw-own-state">
        {stateText(s)}
        {s.submittedAt ? ` · ${when(s.submittedAt)}` : ''}
      </p>
      {(s.files ?? []).length > 0 && (
        <ul class="hw-files">
          {(s.files ?? []).map((f) => (
            <li key={f.fileId}>
              <button
                type="button"
                class="link"
                onClick={() => void openFile(store, c.collectionId ?? '', s.pupilId ?? '', f.fileId ?? '')}
              >
                <FileName name={f.name ?? ''} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {s.comment ? (
        <p class="hw-comment">
          <strong>{t('hw.comment')}:</strong> {s.comment}
        </p>
      ) : null}
      {mayHandIn && (
        <div class="hw-pick">
          {past && <p class="hw-note">{t('hw.lateNote')}</p>}
          <label class="button ghost">
            <Upload aria-hidden="true" /> {t('hw.pick')}
            <input
              type="file"
              multiple
              class="visually-hidden"
              id="hw-files"
              onChange={(e) => {
                add((e.target as HTMLInputElement).files);
                (e.target as HTMLInputElement).value = '';
              }}
            />
          </label>
          <label class="button ghost">
            <Camera aria-hidden="true" /> {t('hw.camera')}
            <input
              type="file"
              accept="image/*"
              capture="environment"
              class="visually-hidden"
              onChange={(e) => {
                add((e.target as HTMLInputElement).files);
                (e.target as HTMLInputElement).value = '';
              }}
            />
          </label>
          {files.length > 0 && (
            <ul class="hw-chosen">
              {files.map((f, i) => (
                <li key={`${f.name}-${i}`}>
                  <FileName name={f.name} />
                </li>
              ))}
            </ul>
          )}
          <button
            type="button"
            class="primary wide"
            id="hw-handin"
            disabled={files.length === 0 || percent !== null}
            onClick={() => void send()}
          >
            {percent !== null ? t('hw.uploading', { percent }) : handed ? t('hw.replace') : t('hw.handIn')}
          </button>
        </div>
      )}
      {isPupil && past && handed && <p class="hw-note">{t('hw.closed')}</p>}
    </section>
  );
}
