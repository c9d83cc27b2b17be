// "Урок «Химия» через 15 минут" / "Урок «Химия» начинается" (#24): the
// server's reminder note of a scheduled lesson (notifications/
// lessonReminders.ts), shown as a banner over the messenger until the lesson
// has run ten minutes or the person puts it away; «Открыть чат» leads to the
// chat with the lesson's invitation and its join button. A note once seen
// stays until then even if newer messages follow it in its chat.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { CalendarClock, X } from '../kit/icons.js';
import type { MessengerStore, cpb } from '../messenger/messengerStore.js';
import { chatTitle } from '../messenger/rules.js';

const SHOWN_AFTER_START_MS = 10 * 60_000;

interface Seen {
  key: string;
  chat: cpb.IChat;
  note: cpb.ILessonReminderNote;
}

export function LessonReminder({ store }: { store: MessengerStore }) {
  const [now, setNow] = useState(Date.now());
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const seen = useRef(new Map<string, Seen>());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  for (const chat of store.sortedChats()) {
    const note = chat.lastMessage?.reminder;
    if (!note) continue;
    // One banner a lesson: the note at the start replaces the one before it.
    const key = `${chat.chatId}:${note.startsAt}`;
    const known = seen.current.get(key);
    if (!known || (known.note.minutesBefore ?? 0) > (note.minutesBefore ?? 0)) {
      seen.current.set(key, { key, chat, note });
    }
  }
  const shown = [...seen.current.values()]
    .filter((s) => now < (s.note.startsAt ?? 0) + SHOWN_AFTER_START_MS && !dismissed.has(s.key))
    .sort((a, b) => (a.note.startsAt ?? 0) - (b.note.startsAt ?? 0))[0];
  if (!shown) return null;
  const title = shown.note.title ?? '';
  const minutes = Math.ceil(((shown.note.startsAt ?? 0) - now) / 60_000);
  return (
    <output class="lesson-reminder" id="lesson-reminder">
      <CalendarClock class="lesson-reminder-icon" aria-hidden="true" />
      <p>
        <strong>
          {minutes > 0 && shown.note.minutesBefore
            ? t('remind.in', { title, count: minutes })
            : t('remind.now', { title })}
        </strong>
        <span>{chatTitle(shown.chat)}</span>
      </p>
      <div class="lesson-reminder-actions">
        <button type="button" class="primary" onClick={() => void store.open(shown.chat.chatId ?? '')}>
          {t('remind.open')}
        </button>
        <button
          type="button"
          class="ghost icon-only"
          aria-label={t('remind.hide')}
          title={t('remind.hide')}
          onClick={() => setDismissed(new Set(dismissed).add(shown.key))}
        >
          <X aria-hidden="true" />
        </button>
      </div>
    </output>
  );
}
