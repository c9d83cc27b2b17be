// A chat's auto-deletion («Автоудаление сообщений»): its admins (or the
// school's admin in it) choose off, a day, a week, a month or a year from the
// periods the server says the school allows (messaging/chatRetention.ts);
// every member sees, under the chat's header and in its info, that messages
// are removed and after how long.
import { useEffect, useState } from 'preact/hooks';
import { type Key, t } from '../i18n/index.js';
import { Timer } from '../kit/icons.js';
import type { MessengerStore, cpb } from './messengerStore.js';

/** «1 неделю», as in «Сообщения удаляются через …»; the school's periods too. */
export function retentionPeriod(days: number): string {
  return t(`autoDel.after${days}` as Key);
}

/** The line every member reads while the chat removes its messages. */
export function RetentionNotice({ days }: { days: number | null | undefined }) {
  if (!days) return null;
  return (
    <p class="retention-notice" data-testid="retention-notice">
      <Timer aria-hidden="true" /> {t('autoDel.notice', { period: retentionPeriod(days) })}
    </p>
  );
}

/** In the chat's info: the choice for those who may change it, the notice for everyone. */
export function ChatAutoDelete({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const chatId = chat.chatId ?? '';
  const [state, setState] = useState<cpb.IChatRetention | null>(null);
  const [busy, setBusy] = useState(false);
  // Asked again when the chat's own period changes (ours or another admin's).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the chat's period triggers a reload on purpose
  useEffect(() => {
    let current = true;
    void store
      .run(() => store.chat.request({ getChatRetention: { chatId } }))
      .then((r) => {
        if (current && r?.retention) setState(r.retention);
      });
    return () => {
      current = false;
    };
  }, [store, chatId, chat.retentionDays]);
  if (!state) return null;
  const choose = async (days: number) => {
    setBusy(true);
    const r = await store.run(() => store.chat.request({ setChatRetention: { chatId, days } }));
    setBusy(false);
    if (r?.chat) store.putChat(r.chat);
  };
  const own = state.days ?? 0;
  const effective = state.effectiveDays ?? 0;
  const choices = state.choices ?? [];
  return (
    <fieldset class="chat-settings auto-delete">
      <legend>{t('autoDel.title')}</legend>
      {state.mayChange ? (
        <label class="setting-row">
          <span>{t('autoDel.label')}</span>
          <select
            id="auto-delete"
            value={String(own)}
            disabled={busy}
            onChange={(e) => void choose(Number((e.target as HTMLSelectElement).value))}
          >
            <option value="0">{t('autoDel.off')}</option>
            {/* The chat's own period stays listed even if the school shortened its own since. */}
            {[...new Set([...choices, ...(own ? [own] : [])])]
              .sort((a, b) => a - b)
              .map((d) => (
                <option key={d} value={String(d)}>
                  {t(`autoDel.days${d}` as Key)}
                </option>
              ))}
          </select>
        </label>
      ) : null}
      {effective ? (
        <p class="note">{t('autoDel.notice', { period: retentionPeriod(effective) })}</p>
      ) : (
        <p class="note">{t('autoDel.keptAll')}</p>
      )}
      {state.mayChange && state.schoolDays ? (
        <p class="hint">{t('autoDel.school', { period: retentionPeriod(state.schoolDays) })}</p>
      ) : null}
      {state.mayChange && choices.length === 0 ? <p class="hint">{t('autoDel.schoolRefuses')}</p> : null}
    </fieldset>
  );
}
