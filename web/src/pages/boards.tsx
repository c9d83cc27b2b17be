// /boards/<room id>#token=<host token>: a room's saved boards for its hosts
// (the end screen links here with the host's session token; a school's
// system can link here with a host token it mints). The token travels in
// the fragment, which browsers never send to servers, and is kept for this
// tab's session. Signed in (#chat=...&seq=...), the token comes from the
// session and stays in memory.
import { render } from 'preact';
import { callSource, sessionCallToken } from '../account/sessionTokens.js';
import { lang, t } from '../i18n/index.js';
import { FormPage } from '../kit/FormPage.js';
import { SavedBoards, SavedBoardsApi } from '../whiteboard/SavedBoards.js';

const TOKEN_KEY = 'boards-token';

function token(): string {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) sessionStorage.setItem(TOKEN_KEY, fromLink);
  return fromLink ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
}

document.documentElement.lang = lang.value;
document.title = t('wb.savedTitle');
const roomId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const source = callSource();
const api = new SavedBoardsApi(roomId, source ? await sessionCallToken(source).catch(() => '') : token());
const root = document.getElementById('app');
if (root)
  render(
    <FormPage title={t('wb.savedTitle')}>
      <SavedBoards api={api} />
    </FormPage>,
    root,
  );
