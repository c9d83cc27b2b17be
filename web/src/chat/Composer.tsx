// Writing in a chat: text (Enter sends, Shift+Enter a new line), a reply or
// an edit in progress shown above with a way to cancel, and a file attached
// with its upload progress (resumable uploads; the message is sent when the
// file is in). Where the chat's holder offers them: a voice message or
// round video, a poll or quiz (written in its own window, PollEditor),
// mentions picked after "@" (MentionPicker), and «Отправить позже»: the text
// is posted by the server at the chosen time.
import type { Signal } from '@preact/signals';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { CalendarClock, ChartColumn, CheckCheck, Paperclip, Send, X } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { useMentionPicker } from './MentionPicker.js';
import { PollEditor } from './PollEditor.js';
import { VoiceRecorder } from './VoiceRecorder.js';
import type { ComposerActions } from './actions.js';
import { type Msg, dayTime, localInput } from './format.js';
import { mentionedIds } from './mentions.js';

export interface ComposerState {
  replyTo: Signal<Msg | null>;
  editing: Signal<Msg | null>;
}

export function Composer({
  actions,
  state,
  idPrefix,
  labelledSend = false,
}: {
  actions: ComposerActions;
  state: ComposerState;
  /** Ids of the text box and the send button (tests, labels): `${idPrefix}-text`. */
  idPrefix: string;
  /** The send button says "Send" beside its icon on a wide screen (a full-page chat). */
  labelledSend?: boolean;
}) {
  const [text, setText] = useState('');
  const [upload, setUpload] = useState<{ name: string; percent: number } | null>(null);
  const [pollMode, setPollMode] = useState(false);
  /** The next message goes with read confirmation (where the holder offers it). */
  const [confirm, setConfirm] = useState(false);
  /** «Отправить позже»: when (a datetime-local value), or null to send now. */
  const [later, setLater] = useState<string | null>(null);
  const [laterProblem, setLaterProblem] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const editing = state.editing.value;
  const replyTo = state.replyTo.value;
  const mentions = useMentionPicker(actions.mentionable, text, setText, box, idPrefix);
  useEffect(() => {
    setText(editing?.text ?? '');
    if (editing) box.current?.focus();
  }, [editing]);
  useEffect(() => {
    if (replyTo) box.current?.focus();
  }, [replyTo]);

  const cancel = () => {
    state.replyTo.value = null;
    state.editing.value = null;
  };
  /** Who the text mentions: those picked now, and (when editing) those the message had. */
  const mentioned = (body: string, had: string[] = []) => [
    ...new Set([...had, ...mentionedIds(body, mentions.chosen)]),
  ];
  const submit = async () => {
    const body = text.trim();
    if (editing) {
      if (body && (await actions.saveEdit(editing, body, mentioned(body, editing.mentions ?? [])))) {
        state.editing.value = null;
        setText('');
      }
      return;
    }
    if (!body) return;
    if (later !== null && actions.schedule) {
      const at = new Date(later).getTime();
      if (!(at > Date.now())) {
        setLaterProblem(t('chat.later.past'));
        return;
      }
      if (await actions.schedule(body, at)) {
        setText('');
        setLater(null);
        setLaterProblem('');
      }
      return;
    }
    setText('');
    const ok = await actions.send(body, replyTo, [], {
      mentions: mentioned(body),
      readConfirmation: confirm,
    });
    if (ok) {
      state.replyTo.value = null;
      mentions.reset();
      setConfirm(false);
    } else setText(body);
  };
  const attach = async (file: File) => {
    setUpload({ name: file.name, percent: 0 });
    const fileId = await actions.upload(file, (percent) => setUpload({ name: file.name, percent }));
    setUpload(null);
    if (!fileId) return;
    const body = text.trim();
    if (
      await actions.send(body, replyTo, [fileId], { mentions: mentioned(body), readConfirmation: confirm })
    ) {
      setConfirm(false);
      setText('');
      state.replyTo.value = null;
    }
  };

  const sendLabel = editing ? t('chat.save') : later !== null ? t('chat.later.submit') : t('common.send');
  return (
    <>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {replyTo || editing ? (
          <div class="composer-context">
            <span>
              {editing ? (
                t('chat.editing')
              ) : (
                <>
                  {t('chat.replyingTo')} <span {...userText()}>{replyTo?.senderName ?? ''}</span>
                </>
              )}
              {replyTo && !editing ? <q {...userText()}>{replyTo.text}</q> : null}
            </span>
            <button type="button" class="ghost icon-only" aria-label={t('common.cancel')} onClick={cancel}>
              <X aria-hidden="true" />
            </button>
          </div>
        ) : null}
        {mentions.view}
        {confirm && !editing ? (
          <div class="composer-context confirm-on">
            <span>
              <CheckCheck aria-hidden="true" class="meta-icon" /> {t('chat.confirm.on')}
            </span>
            <button
              type="button"
              class="ghost icon-only"
              aria-label={`${t('common.cancel')}: ${t('chat.confirm.toggle')}`}
              onClick={() => setConfirm(false)}
            >
              <X aria-hidden="true" />
            </button>
          </div>
        ) : null}
        {later !== null && !editing ? (
          <div class="composer-context later-on">
            <label class="later-when">
              <CalendarClock aria-hidden="true" class="meta-icon" />
              <span>{t('chat.later.when')}</span>
              <input
                type="datetime-local"
                id={`${idPrefix}-later`}
                value={later}
                min={localInput(Date.now())}
                onInput={(e) => {
                  setLater((e.target as HTMLInputElement).value);
                  setLaterProblem('');
                }}
              />
            </label>
            <button
              type="button"
              class="ghost icon-only"
              aria-label={`${t('common.cancel')}: ${t('chat.later')}`}
              onClick={() => {
                setLater(null);
                setLaterProblem('');
              }}
            >
              <X aria-hidden="true" />
            </button>
            {laterProblem ? (
              <p class="form-problem" role="alert">
                {laterProblem}
              </p>
            ) : (
              <small class="later-note">
                {t('chat.later.note', { when: dayTime(new Date(later).getTime()) })}
              </small>
            )}
          </div>
        ) : null}
        {upload ? (
          <div class="upload-progress">
            <span>
              {t('chat.uploadingFile', { name: upload.name })} {upload.percent}%
            </span>
            <progress max={100} value={upload.percent} aria-label={t('chat.uploading')} />
          </div>
        ) : null}
        <div class="composer-row">
          <button
            type="button"
            class="ghost icon-only"
            id={`${idPrefix}-attach`}
            aria-label={t('chat.attach')}
            title={t('chat.attach')}
            disabled={Boolean(upload) || Boolean(editing) || later !== null}
            onClick={() => fileInput.current?.click()}
          >
            <Paperclip aria-hidden="true" />
          </button>
          <input
            ref={fileInput}
            type="file"
            id={`${idPrefix}-file`}
            hidden
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              const f = input.files?.[0];
              input.value = '';
              if (f) void attach(f);
            }}
          />
          {actions.voice && !editing ? <VoiceRecorder send={actions.voice} /> : null}
          {actions.poll && !editing ? (
            <button
              type="button"
              class="ghost icon-only"
              id={`${idPrefix}-poll`}
              aria-label={t('chat.poll.new')}
              title={t('chat.poll.new')}
              onClick={() => setPollMode(true)}
            >
              <ChartColumn aria-hidden="true" />
            </button>
          ) : null}
          {actions.readConfirmation && !editing ? (
            <button
              type="button"
              class={`ghost icon-only${confirm ? ' toggled' : ''}`}
              id={`${idPrefix}-confirm`}
              aria-label={t('chat.confirm.toggle')}
              title={t('chat.confirm.toggle')}
              aria-pressed={confirm}
              onClick={() => setConfirm(!confirm)}
            >
              <CheckCheck aria-hidden="true" />
            </button>
          ) : null}
          {actions.schedule && !editing ? (
            <button
              type="button"
              class={`ghost icon-only${later !== null ? ' toggled' : ''}`}
              id={`${idPrefix}-later-toggle`}
              aria-label={t('chat.later')}
              title={t('chat.later')}
              aria-pressed={later !== null}
              onClick={() => {
                // An hour from now, on the minute, to start from.
                setLater(
                  later === null ? localInput(Math.ceil((Date.now() + 3600_000) / 60_000) * 60_000) : null,
                );
                setLaterProblem('');
              }}
            >
              <CalendarClock aria-hidden="true" />
            </button>
          ) : null}
          <textarea
            ref={box}
            id={`${idPrefix}-text`}
            rows={1}
            value={text}
            aria-label={t('chat.placeholder')}
            placeholder={t('chat.placeholder')}
            onInput={(e) => {
              const el = e.target as HTMLTextAreaElement;
              setText(el.value);
              mentions.update(el.value, el.selectionStart);
            }}
            onKeyDown={(e) => {
              if (mentions.key(e)) return;
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault();
                void submit();
              } else if (e.key === 'Escape' && (replyTo || editing)) {
                e.preventDefault();
                cancel();
              }
            }}
          />
          <button
            type="submit"
            class={`primary send-button${labelledSend ? '' : ' icon-only'}`}
            id={`${idPrefix}-send`}
            aria-label={sendLabel}
            title={sendLabel}
          >
            {later !== null && !editing ? <CalendarClock aria-hidden="true" /> : <Send aria-hidden="true" />}
            {labelledSend ? <span class="wide-only">{sendLabel}</span> : null}
          </button>
        </div>
      </form>
      {pollMode && actions.poll ? <PollEditor send={actions.poll} done={() => setPollMode(false)} /> : null}
    </>
  );
}
