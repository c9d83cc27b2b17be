// "Запланировать урок" from a chat (#24): title, start, a duration preset,
// the time zone in words ("Москва, UTC+3"), an optional weekly repeat. The
// server books the lesson and posts the invitation into the chat; the sheet
// then shows it with the code and password and a copy button.
import { useState } from 'preact/hooks';
import { ZONES, zoneText } from '../../../common/timeZones.js';
import { lang, t } from '../i18n/index.js';
import { Sheet } from '../kit/Sheet.js';
import { Copy } from '../kit/icons.js';
import type { MessengerStore, cpb } from '../messenger/messengerStore.js';
import { chatTitle } from '../messenger/rules.js';

const DURATIONS = [30, 45, 60, 120, 180, 240];

/** The browser's zone when the list has it, else Moscow. */
function defaultZone(): string {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return ZONES.some((z) => z.id === own) ? own : 'Europe/Moscow';
}

/** Tomorrow at 09:00 as the date and time inputs hold it. */
function tomorrowNine(): { date: string; time: string } {
  const d = new Date(Date.now() + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`, time: '09:00' };
}

function durationText(minutes: number): string {
  return minutes < 60 ? t('lesson.minutes', { count: minutes }) : t('lesson.hours', { count: minutes / 60 });
}

export function ScheduleLesson({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const start = tomorrowNine();
  const [title, setTitle] = useState('');
  const [date, setDate] = useState(start.date);
  const [time, setTime] = useState(start.time);
  const [duration, setDuration] = useState(45);
  const [zone, setZone] = useState(defaultZone());
  const [weekly, setWeekly] = useState(false);
  const [weeks, setWeeks] = useState(10);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<cpb.IScheduledLesson | null>(null);
  const [copied, setCopied] = useState(false);
  const close = () => {
    store.sheet.value = null;
  };
  const submit = async () => {
    setBusy(true);
    const r = await store.run(() =>
      store.chat.request({
        scheduleLesson: {
          chatId: chat.chatId,
          title: title.trim(),
          startsAt: `${date}T${time}`,
          timeZone: zone,
          durationMinutes: duration,
          weeklyCount: weekly ? weeks : 1,
        },
      }),
    );
    setBusy(false);
    if (r?.lesson) setDone(r.lesson);
  };
  const language = lang.value;
  return (
    <Sheet id="schedule-sheet" title={t('lesson.schedule')} backLabel={t('chat.back')} onBack={close}>
      {done ? (
        <div class="sheet-body lesson-done">
          <p class="lesson-done-head">{t('lesson.posted', { chat: chatTitle(chat) })}</p>
          <pre class="lesson-invitation" id="lesson-invitation">
            {done.invitation}
          </pre>
          <button
            type="button"
            class="ghost"
            onClick={() =>
              void navigator.clipboard
                ?.writeText(done.invitation ?? '')
                .then(() => setCopied(true))
                .catch(() => undefined)
            }
          >
            <Copy aria-hidden="true" /> {copied ? t('lesson.copied') : t('lesson.copy')}
          </button>
          <button type="button" class="primary wide" onClick={close}>
            {t('lesson.backToChat')}
          </button>
        </div>
      ) : (
        <form
          class="sheet-body lesson-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (title.trim() && !busy) void submit();
          }}
        >
          <p class="lesson-for">{t('lesson.forChat', { chat: chatTitle(chat) })}</p>
          <label class="field">
            {t('lesson.title')}
            <input
              id="lesson-title"
              value={title}
              maxLength={128}
              required
              placeholder={t('lesson.titleHint')}
              onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
            />
          </label>
          <div class="lesson-when">
            <label class="field">
              {t('lesson.date')}
              <input
                id="lesson-date"
                type="date"
                value={date}
                required
                onInput={(e) => setDate((e.target as HTMLInputElement).value)}
              />
            </label>
            <label class="field">
              {t('lesson.time')}
              <input
                id="lesson-time"
                type="time"
                value={time}
                required
                onInput={(e) => setTime((e.target as HTMLInputElement).value)}
              />
            </label>
          </div>
          <fieldset class="lesson-durations">
            <legend>{t('lesson.duration')}</legend>
            {DURATIONS.map((d) => (
              <button
                type="button"
                key={d}
                aria-pressed={duration === d}
                class={duration === d ? 'active' : ''}
                onClick={() => setDuration(d)}
              >
                {durationText(d)}
              </button>
            ))}
          </fieldset>
          <label class="field">
            {t('lesson.zone')}
            <select
              id="lesson-zone"
              value={zone}
              onChange={(e) => setZone((e.target as HTMLSelectElement).value)}
            >
              {ZONES.map((z) => (
                <option key={z.id} value={z.id}>
                  {zoneText(z.id, language)}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              id="lesson-weekly"
              checked={weekly}
              onChange={(e) => setWeekly((e.target as HTMLInputElement).checked)}
            />
            {t('lesson.weekly')}
          </label>
          {weekly && (
            <label class="field">
              {t('lesson.weeks')}
              <input
                id="lesson-weeks"
                type="number"
                min={2}
                max={52}
                value={weeks}
                onInput={(e) =>
                  setWeeks(Math.max(1, Math.min(52, Number((e.target as HTMLInputElement).value) || 1)))
                }
              />
            </label>
          )}
          <button type="submit" class="primary wide" id="lesson-submit" disabled={!title.trim() || busy}>
            {t('lesson.submit')}
          </button>
        </form>
      )}
    </Sheet>
  );
}
