import { dayTime } from '../chat/format.js';
// Muting a chat, one's own: nothing is pushed from it to this person for an
// hour, eight hours, two days or for good (the server keeps it with their
// prefs and the notifier asks it for every message: notifications/notifier.ts).
// The chat list marks a muted chat and greys its unread count.
import { t } from '../i18n/index.js';
import { Menu, MenuItem } from '../kit/Menu.js';
import { Bell, BellOff } from '../kit/icons.js';
import type { MessengerStore, cpb } from './messengerStore.js';
import { prefs } from './prefsState.js';

const HOUR = 3600_000;
const CHOICES = [
  { key: 'mute.hour', ms: HOUR },
  { key: 'mute.hours8', ms: 8 * HOUR },
  { key: 'mute.days2', ms: 48 * HOUR },
  { key: 'mute.forever', ms: 0 },
] as const;

/** Until when the chat is muted (0: for good), or null when it is not. */
export function mutedUntil(chatId: string | null | undefined): number | null {
  const m = (prefs.value.mutedChats ?? []).find((x) => x.chatId === chatId);
  if (!m) return null;
  const until = m.until ?? 0;
  return until === 0 || until > Date.now() ? until : null;
}

export function MuteMark({ chatId }: { chatId: string | null | undefined }) {
  return mutedUntil(chatId) === null ? null : (
    <BellOff class="meta-icon mute-mark" aria-label={t('mute.muted')} role="img" />
  );
}

/** In a chat: «Без звука» with its choices, or, muted, until when and «Включить звук». */
export function MuteButton({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const chatId = chat.chatId ?? '';
  const until = mutedUntil(chatId);
  const mute = async (muted: boolean, ms = 0) => {
    const r = await store.run(() =>
      store.chat.request({ muteChat: { chatId, muted, until: ms ? Date.now() + ms : 0 } }),
    );
    if (r?.prefs) prefs.value = r.prefs;
  };
  if (until !== null) {
    return (
      <span class="mute-state">
        <small>{until ? t('mute.until', { when: dayTime(until) }) : t('mute.muted')}</small>
        <button type="button" class="ghost" onClick={() => void mute(false)}>
          <Bell aria-hidden="true" /> {t('mute.off')}
        </button>
      </span>
    );
  }
  return (
    <Menu
      label={t('mute.muted')}
      class="ghost mute-menu"
      button={
        <>
          <BellOff aria-hidden="true" /> {t('mute.muted')}
        </>
      }
    >
      {(close) =>
        CHOICES.map((c) => (
          <MenuItem key={c.key} close={close} onSelect={() => void mute(true, c.ms)}>
            {t(c.key)}
          </MenuItem>
        ))
      }
    </Menu>
  );
}
