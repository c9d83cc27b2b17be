// /lessons/<id>: «Итоги урока», a lesson's page (web/src/recap/). It asks the
// messenger's socket with the person's own token (a link's, kept for this tab,
// or the signed-in session's); /lessons/latest?room=<id> is the call's end
// screen asking for its room's latest lesson.
import { render } from 'preact';
import { toLogin, whoAmI } from '../account/api.js';
import { messengerLinkToken, sessionChatToken } from '../account/sessionTokens.js';
import { lang, t } from '../i18n/index.js';
import { ChatClient, ChatRequestError } from '../protocol/chatClient.js';
import { RecapPage } from '../recap/RecapPage.js';
import { cpb } from '../recap/recapWords.js';

document.documentElement.lang = lang.value;
document.title = t('recap.title');
const root = document.getElementById('app');
const token = messengerLinkToken() ?? ((await whoAmI().catch(() => null)) ? sessionChatToken : null);

async function load(): Promise<cpb.ILessonRecapPage> {
  const client = new ChatClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat`);
  try {
    await client.connect();
    await client.authenticate(typeof token === 'string' ? token : await (token ?? sessionChatToken)());
    const id = decodeURIComponent(location.pathname.split('/')[2] ?? '');
    const room = new URLSearchParams(location.search).get('room') ?? '';
    const r = await client.request({ getLessonRecap: id === 'latest' ? { roomId: room } : { lessonId: id } });
    const page = r.lessonRecap ?? {};
    const lessonId = page.lesson?.lessonId;
    // The end screen's link becomes the lesson's own address, to keep or send.
    if (id === 'latest' && lessonId)
      history.replaceState(null, '', `/lessons/${encodeURIComponent(lessonId)}`);
    if (page.lesson?.title) document.title = `${t('recap.title')}: ${page.lesson.title}`;
    return page;
  } catch (err) {
    const notFound =
      err instanceof ChatRequestError &&
      (err.code === cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND ||
        err.code === cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
    throw new Error(notFound ? t('recap.notFound') : t('common.networkError'));
  } finally {
    client.close();
  }
}

if (!token) toLogin();
else if (root) render(<RecapPage load={load} />, root);
