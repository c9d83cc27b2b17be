// /lessons/<id>: «Итоги урока», a lesson's page (web/src/recap/). It asks the
// messenger's socket with the person's own token (a link's, kept for this tab,
// or the signed-in session's); /lessons/latest?room=<id> is the call's end
// screen asking for its room's latest lesson.
import { render } from 'preact';
import { toLogin, whoAmI } from '../account/api.js';
import { askChat } from '../account/chatAsk.js';
import { messengerLinkToken, sessionChatToken } from '../account/sessionTokens.js';
import { lang, t } from '../i18n/index.js';
import { ChatRequestError } from '../protocol/chatClient.js';
import type { RecapApi } from '../recap/LessonMaterials.js';
import { RecapPage } from '../recap/RecapPage.js';
import { cpb } from '../recap/recapWords.js';

document.documentElement.lang = lang.value;
document.title = t('recap.title');
const root = document.getElementById('app');
const token = messengerLinkToken() ?? ((await whoAmI().catch(() => null)) ? sessionChatToken : null);

const failure = (err: unknown) => {
  const notFound =
    err instanceof ChatRequestError &&
    (err.code === cpb.ChatErrorCode.CHAT_ERROR_CHAT_NOT_FOUND ||
      err.code === cpb.ChatErrorCode.CHAT_ERROR_FORBIDDEN);
  return new Error(notFound ? t('recap.notFound') : t('common.networkError'));
};

/** One request on a short-lived messenger connection with this person's token. */
async function ask(request: cpb.IChatClientMessage): Promise<cpb.IChatResponse> {
  try {
    return await askChat(request, async () =>
      typeof token === 'string' ? token : await (token ?? sessionChatToken)(),
    );
  } catch (err) {
    throw failure(err);
  }
}

let lessonId = decodeURIComponent(location.pathname.split('/')[2] ?? '');

const api: RecapApi = {
  async page() {
    const room = new URLSearchParams(location.search).get('room') ?? '';
    const r = await ask({ getLessonRecap: lessonId === 'latest' ? { roomId: room } : { lessonId } });
    const page = r.lessonRecap ?? {};
    // The end screen's link becomes the lesson's own address, to keep or send.
    if (lessonId === 'latest' && page.lesson?.lessonId) {
      lessonId = page.lesson.lessonId;
      history.replaceState(null, '', `/lessons/${encodeURIComponent(lessonId)}`);
    }
    if (page.lesson?.title) document.title = `${t('recap.title')}: ${page.lesson.title}`;
    return page;
  },
  async share(shared) {
    return (await ask({ shareLessonRecording: { lessonId, shared } })).lessonRecap ?? {};
  },
  async file(kind, name) {
    return (await ask({ getLessonFile: { lessonId, kind, name } })).lessonFile?.data ?? new Uint8Array();
  },
};

if (!token) toLogin();
else if (root) render(<RecapPage api={api} />, root);
