// /messenger: the school messenger. Signed in, it asks the session for its
// token (account/sessionTokens.ts: memory only). A link from the school's
// systems (#token=<user token>, minted by them or the admin API) works as
// before: the fragment is never sent to servers, and is kept for this tab.
import { render } from 'preact';
import { toLogin, whoAmI } from '../account/api.js';
import { messengerLinkToken, onSession, sessionChatToken } from '../account/sessionTokens.js';
import { lang, t } from '../i18n/index.js';
import { FormPage } from '../kit/FormPage.js';
import { Messenger } from '../messenger/Messenger.js';
import { followLink, linkTarget } from '../messenger/messageLinks.js';
import { MessengerStore } from '../messenger/messengerStore.js';
import { readPushState } from '../messenger/notifications.js';
import { followInvite, loadPrefs } from '../messenger/schoolParts.js';

document.documentElement.lang = lang.value;
const root = document.getElementById('app');
const userToken = messengerLinkToken() ?? ((await whoAmI().catch(() => null)) ? sessionChatToken : null);
if (!userToken) toLogin();
if (root && !userToken) {
  render(
    <FormPage title={t('chat.title')}>
      <p>{t('chat.noToken')}</p>
    </FormPage>,
    root,
  );
} else if (root && userToken) {
  const store = new MessengerStore(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat`,
    userToken,
  );
  render(<Messenger store={store} home={onSession()} />, root);
  // #chat=<id>: open that chat (the end screen of a call links to its lesson chat);
  // #chat=<id>&msg=<seq>: a link to a message (messenger/messageLinks.ts).
  const wanted = linkTarget(location.hash);
  store
    .connect()
    .then(() => {
      if (wanted) void followLink(store, wanted);
      // A message's link opened in this tab while the messenger is open.
      addEventListener('hashchange', () => {
        const target = linkTarget(location.hash);
        if (target) void followLink(store, target);
      });
      // A tapped notification, while this page is open: the service worker asks it to open the chat.
      navigator.serviceWorker?.addEventListener('message', (e: MessageEvent<{ openChat?: string }>) => {
        const chat = e.data?.openChat;
        if (chat && store.chats.value.has(chat)) void store.open(chat);
      });
      void readPushState();
      return Promise.all([loadPrefs(store), followInvite(store)]);
    })
    .catch(() => {
      store.error.value = t('common.networkError');
    });
}
