// For hosts and co-hosts while a lesson is broadcast: what viewers write
// under the broadcast. Whether they may (off, on, after approval), the
// comments newest last with those waiting marked, «Опубликовать» for a
// waiting one and «Удалить» for any.
import { useEffect } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Check, MessageSquare, Trash2 } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { CommentsMode } from '../state/comments.js';
import { useStore } from '../state/storeContext.js';
import type { PanelDef } from './panelDef.js';

const MODES: { mode: CommentsMode; label: 'comments.off' | 'comments.on' | 'comments.moderated' }[] = [
  { mode: 'off', label: 'comments.off' },
  { mode: 'on', label: 'comments.on' },
  { mode: 'moderated', label: 'comments.moderated' },
];

function CommentsPanelBody() {
  const store = useStore();
  const comments = store.comments;
  useEffect(() => void comments.load(), [comments]);
  const list = comments.list();
  return (
    <>
      <section class="panel-section" id="comments-mode-section">
        <label>
          {t('comments.mode')}
          <select
            id="comments-mode"
            value={comments.mode.value}
            onChange={(e) => void comments.setMode((e.target as HTMLSelectElement).value as CommentsMode)}
          >
            {MODES.map((m) => (
              <option key={m.mode} value={m.mode}>
                {t(m.label)}
              </option>
            ))}
          </select>
        </label>
        <p class="hint">{t(`comments.hint.${comments.mode.value}`)}</p>
      </section>
      <section class="panel-section" id="comments-section" aria-labelledby="comments-heading">
        <h3 id="comments-heading">
          <MessageSquare aria-hidden="true" /> {t('comments.list')} ({list.length})
        </h3>
        {list.length === 0 ? <p class="hint">{t('comments.none')}</p> : null}
        <ul class="comments" id="comments-list">
          {list.map((m) => {
            const seq = m.seq ?? 0;
            const name = m.senderName ?? '';
            return (
              <li key={seq} data-comment={seq} class={m.pending ? 'pending' : ''}>
                <div class="comment-text">
                  <span {...userText('person-name')}>{name}</span>
                  {m.pending ? <span class="comment-waiting">{t('comments.waiting')}</span> : null}
                  <p {...userText()}>{m.text}</p>
                </div>
                <div class="comment-actions">
                  {m.pending ? (
                    <button type="button" class="small primary" onClick={() => void comments.approve(seq)}>
                      <Check aria-hidden="true" /> {t('comments.approve')}
                    </button>
                  ) : null}
                  <button
                    type="button"
                    class="small"
                    aria-label={t('comments.deleteOf', { name })}
                    onClick={() => void comments.remove(seq)}
                  >
                    <Trash2 aria-hidden="true" /> {t('comments.delete')}
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}

export const commentsPanel: PanelDef = {
  id: 'comments',
  title: 'comments.title',
  short: 'comments.short',
  icon: MessageSquare,
  component: CommentsPanelBody,
  place: 'more',
  available: (store) =>
    store.roster.isModerator &&
    (Boolean(store.recording.state.value.broadcasting) || store.comments.comments.value.size > 0),
  badge: (store) => (store.roster.isModerator ? store.comments.waiting.value : 0),
};
