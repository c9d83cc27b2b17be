// What floats over the call: toasts, notices from the teacher, and reactions.
import { t } from '../i18n/index.js';
import { Megaphone, ThumbsUp, X } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { useStore } from '../state/storeContext.js';
import { REACTION_ICONS, type ReactionId } from './reactions.js';

export function Toasts() {
  const store = useStore();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a live region holding several toasts with buttons, not one computed value.
    <div class="toasts" role="status" aria-live="polite">
      {store.toasts.list.value.map((toast) => (
        <div key={toast.id} class={`toast ${toast.kind}`}>
          <span>{toast.text()}</span>
          {toast.action ? (
            <button
              type="button"
              class="toast-action"
              onClick={() => {
                toast.action?.run();
                store.toasts.dismiss(toast.id);
              }}
            >
              {t(toast.action.label)}
            </button>
          ) : null}
          <button
            type="button"
            class="icon-only ghost"
            aria-label={t('common.close')}
            onClick={() => store.toasts.dismiss(toast.id)}
          >
            <X aria-hidden="true" />
          </button>
        </div>
      ))}
    </div>
  );
}

export function Notices() {
  const store = useStore();
  const notices = store.notices.list.value;
  if (notices.length === 0) return null;
  return (
    <div class="notices">
      {notices.map((n) => (
        <div
          key={n.id}
          class={`notice ${n.kind}`}
          id={n.kind === 'teacher' ? 'teacher-message' : 'notice'}
          role="alert"
        >
          <Megaphone aria-hidden="true" class="notice-icon" />
          <div class="notice-body">
            {n.kind === 'teacher' ? (
              <>
                <strong>{t('notice.teacherMessage')}</strong>
                <span class="muted">{t('notice.from', { name: n.from })}</span>
              </>
            ) : (
              <strong>{t(n.everyone ? 'notice.attention' : 'notice.attentionYou', { name: n.from })}</strong>
            )}
            {n.text ? <p class="notice-text">{n.text}</p> : null}
          </div>
          <button type="button" id="notice-close" onClick={() => store.notices.dismiss(n.id)}>
            {t('common.ok')}
          </button>
        </div>
      ))}
    </div>
  );
}

/**
 * Reactions with the sender's name, for screen readers always; on screen only
 * for people without a tile here (another gallery page, a large lesson):
 * a tile shows its person's reaction itself, above the name tag.
 */
export function Reactions() {
  const store = useStore();
  const onStage = (id: string) =>
    document.querySelector(`.tile:not(.screen)[data-participant="${CSS.escape(id)}"]`) !== null;
  return (
    <div class="call-reactions" aria-live="polite">
      {store.gestures.reactions.value.map((r) => {
        const Icon = REACTION_ICONS[r.reaction as ReactionId] ?? ThumbsUp;
        return (
          <span
            key={r.id}
            class={onStage(r.participantId) ? 'call-reaction visually-hidden' : 'call-reaction'}
          >
            <Icon aria-hidden="true" />
            <span>
              <span {...userText()}>{r.name}</span>: {t(`reaction.${r.reaction as ReactionId}`)}
            </span>
          </span>
        );
      })}
    </div>
  );
}
