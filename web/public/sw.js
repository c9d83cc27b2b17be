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
    mentioned: (who) => `${who} упоминает вас`,
  },
  en: {
    file: 'File',
    poll: 'Poll',
    call: 'Call',
    calling: (who, where) => `${who} is calling · ${where}`,
    mentioned: (who) => `${who} mentioned you`,
  },
};
const words = () => (String(self.navigator.language || '').startsWith('en') ? WORDS.en : WORDS.ru);

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
      const w = words();
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // The person is reading the messenger now: its own list shows the news.
      if (p.kind !== 'call' && windows.some((c) => c.focused && new URL(c.url).pathname === '/messenger'))
        return;
      let what = p.text;
      if (!what && p.poll) what = `${w.poll}: ${p.poll}`;
      if (!what && p.files) what = `📎 ${w.file}`;
      const title = p.kind === 'call' ? w.call : p.direct ? p.author : p.chatTitle;
      const body =
        p.kind === 'call'
          ? w.calling(p.author, p.chatTitle)
          : p.mention
            ? `${w.mentioned(p.author)}: ${what}`
            : p.direct
              ? what
              : `${p.author}: ${what}`;
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
