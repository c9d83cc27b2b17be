// The messenger's service worker: shows a notification for each push the
// server sends (notifications/notifier.ts writes the payload), unless the
// messenger is in front on this device, and opens the chat when tapped.
// Words are written here, in the browser's language (Russian unless English).
const WORDS = {
  ru: {
    file: 'Файл',
    poll: 'Опрос',
    call: 'Звонок',
    calling: (who, where) => `${who} звонит · ${where}`,
    lessonIn: (min) => (min <= 1 ? 'Урок начинается' : `Урок через ${min} ${minutesRu(min)}`),
  },
  en: {
    file: 'File',
    poll: 'Poll',
    call: 'Call',
    calling: (who, where) => `${who} is calling · ${where}`,
    lessonIn: (min) => (min <= 1 ? 'The lesson is starting' : `Lesson in ${min} minutes`),
  },
};
/** минута, минуты, минут */
function minutesRu(n) {
  const d = n % 10;
  const dd = n % 100;
  if (d === 1 && dd !== 11) return 'минуту';
  if (d >= 2 && d <= 4 && (dd < 12 || dd > 14)) return 'минуты';
  return 'минут';
}
// The messenger page tells the language its person chose (Russian unless English); kept in Cache Storage,
// the one store a service worker shares with nothing else and keeps across restarts.
const SETTINGS = 'school-call-settings';
self.addEventListener('message', (event) => {
  const chosen = event.data?.lang;
  if (chosen !== 'ru' && chosen !== 'en') return;
  event.waitUntil(caches.open(SETTINGS).then((c) => c.put('/sw-lang', new Response(chosen))));
});
async function words() {
  const saved = await (await caches.open(SETTINGS)).match('/sw-lang');
  return saved && (await saved.text()) === 'en' ? WORDS.en : WORDS.ru;
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  event.waitUntil(
    (async () => {
      let p;
      try {
        p = event.data.json();
      } catch {
        return;
      }
      const w = await words();
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // The person is reading the messenger now: its own list shows a message (not a call or a lesson).
      if (p.kind === 'message' && windows.some((c) => c.focused && new URL(c.url).pathname === '/messenger'))
        return;
      if (p.kind === 'lesson') {
        const minutes = Math.max(0, Math.round((p.startsAt - Date.now()) / 60_000));
        await self.registration.showNotification(w.lessonIn(minutes), {
          body: `${p.text} · ${p.chatTitle}`,
          tag: `lesson-${p.chat}-${p.startsAt}`,
          icon: '/static/icon-192.png',
          badge: '/static/icon-192.png',
          data: { url: p.url, chat: p.chat },
        });
        return;
      }
      let what = p.text;
      if (!what && p.poll) what = `${w.poll}: ${p.poll}`;
      if (!what && p.files) what = `📎 ${w.file}`;
      const title = p.kind === 'call' ? w.call : p.direct ? p.author : p.chatTitle;
      const body =
        p.kind === 'call' ? w.calling(p.author, p.chatTitle) : p.direct ? what : `${p.author}: ${what}`;
      await self.registration.showNotification(title, {
        body,
        tag: `chat-${p.chat}`,
        renotify: true,
        icon: '/static/icon-192.png',
        badge: '/static/icon-192.png',
        data: { url: p.url, chat: p.chat },
        requireInteraction: p.kind === 'call',
      });
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/messenger', self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((c) => new URL(c.url).pathname === '/messenger');
      if (open) {
        // The open messenger keeps its session: it opens the chat itself.
        open.postMessage({ openChat: event.notification.data?.chat });
        await open.focus();
        return;
      }
      await self.clients.openWindow(url.href);
    })(),
  );
});
