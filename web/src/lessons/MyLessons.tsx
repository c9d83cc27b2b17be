// "Мои уроки" (#24): the lessons the teacher scheduled that are not over,
// soonest first, each with its chat and its invitation to copy.
import { useEffect, useState } from 'preact/hooks';
import { lang, t } from '../i18n/index.js';
import { Sheet } from '../kit/Sheet.js';
import { CalendarClock, Copy } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { MessengerStore, cpb } from '../messenger/messengerStore.js';
import { chatTitle } from '../messenger/rules.js';
import { LinkCall } from './LinkCall.js';
import { maySchedule } from './callActions.js';

function when(l: cpb.IScheduledLesson): string {
  const locale = lang.value === 'ru' ? 'ru-RU' : 'en-GB';
  const at = new Date(l.startsAt ?? 0);
  // In the lesson's own zone, the one named beside it.
  const timeZone = l.timeZone || undefined;
  const day = at.toLocaleDateString(locale, { weekday: 'short', day: 'numeric', month: 'long', timeZone });
  const time = at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', timeZone });
  return `${day}, ${time}`;
}

export function MyLessons({ store }: { store: MessengerStore }) {
  const [lessons, setLessons] = useState<cpb.IScheduledLesson[] | null>(null);
  const [copied, setCopied] = useState('');
  useEffect(() => {
    void store
      .run(() => store.chat.request({ listMyLessons: {} }))
      .then((r) => setLessons(r?.lessons?.lessons ?? []));
  }, [store]);
  return (
    <Sheet
      id="my-lessons"
      title={t('lesson.mine')}
      backLabel={t('chat.back')}
      onBack={() => {
        store.sheet.value = null;
      }}
    >
      <div class="sheet-body">
        <LinkCall store={store} />
        <h3>{t('lesson.upcoming')}</h3>
        {lessons === null ? null : lessons.length === 0 ? (
          <p class="lesson-for">{t('lesson.none')}</p>
        ) : (
          <ul class="lesson-list">
            {lessons.map((l) => {
              const chat = store.chats.value.get(l.chatId ?? '');
              return (
                <li key={l.roomId} class="lesson-item">
                  <CalendarClock class="lesson-item-icon" aria-hidden="true" />
                  <div class="lesson-item-body">
                    <strong {...userText()}>{l.title}</strong>
                    <span>
                      {when(l)} · {t('lesson.minutes', { count: l.durationMinutes ?? 0 })}
                      {(l.weeklyCount ?? 1) > 1
                        ? ` · ${t('lesson.timesWeekly', { count: l.weeklyCount ?? 1 })}`
                        : ''}
                    </span>
                    <small>{l.timeZoneText}</small>
                    <div class="lesson-item-actions">
                      {chat && (
                        <button
                          type="button"
                          class="ghost"
                          onClick={() => void store.open(chat.chatId ?? '')}
                          aria-label={`${t('lesson.openChat')}: ${chatTitle(chat)}`}
                        >
                          {t('lesson.chatNamed', { chat: chatTitle(chat) })}
                        </button>
                      )}
                      <button
                        type="button"
                        class="ghost"
                        onClick={() =>
                          void navigator.clipboard
                            ?.writeText(l.invitation ?? '')
                            .then(() => setCopied(l.roomId ?? ''))
                            .catch(() => undefined)
                        }
                      >
                        <Copy aria-hidden="true" />{' '}
                        {copied === l.roomId ? t('lesson.copied') : t('lesson.copy')}
                      </button>
                    </div>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </Sheet>
  );
}

/** The messenger header's way to "Мои уроки", for teachers. */
export function MyLessonsButton({ store }: { store: MessengerStore }) {
  if (!maySchedule(store)) return null;
  return (
    <button
      type="button"
      class="ghost my-lessons-button"
      id="my-lessons-button"
      aria-label={t('lesson.mine')}
      title={t('lesson.mine')}
      onClick={() => {
        store.sheet.value = 'lessons';
      }}
    >
      <CalendarClock aria-hidden="true" />
      <span class="wide-only">{t('lesson.mine')}</span>
    </button>
  );
}
