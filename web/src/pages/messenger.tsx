// /messenger#token=<user token>: the school messenger. The token (minted by
// the school's systems or the admin API) travels in the fragment, which
// browsers never send to servers; it is kept for this tab's session.
import { render } from 'preact';
import { lang, t } from '../i18n/index.js';
import { FormPage } from '../kit/FormPage.js';
import { Messenger } from '../messenger/Messenger.js';
import { MessengerStore } from '../messenger/messengerStore.js';
import { followInvite, loadPrefs } from '../messenger/schoolParts.js';

const TOKEN_KEY = 'chat-token';

function token(): string {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) sessionStorage.setItem(TOKEN_KEY, fromLink);
  return fromLink ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
}

document.documentElement.lang = lang.value;
const root = document.getElementById('app');
const userToken = token();
if (root && !userToken) {
  render(
    <FormPage title={t('chat.title')}>
      <p>{t('chat.noToken')}</p>
    </FormPage>,
    root,
  );
} else if (root) {
  const store = new MessengerStore(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat`,
    userToken,
  );
  render(<Messenger store={store} />, root);
  // #chat=<id>: open that chat (the end screen of a call links to its lesson chat).
  const wanted = new URLSearchParams(location.hash.slice(1)).get('chat');
  store
    .connect()
    .then(() => {
      if (wanted && store.chats.value.has(wanted)) void store.open(wanted);
      return Promise.all([loadPrefs(store), followInvite(store)]);
    })
    .catch(() => {
      store.error.value = t('common.networkError');
    });
}
