// The lesson's chat beside the stage (over it on a phone): history paged
// backwards, the pinned message on top, messages with replies, edits,
// deletes, reactions and files, and the composer, or the reason the person
// cannot write now. Hosts choose whether guests write and whether the chat
// is read-only. Opening the panel catches up and counts everything read.
import { useEffect } from 'preact/hooks';
import { Composer } from '../chat/Composer.js';
import { PinnedBar, showMessage } from '../chat/PinnedBar.js';
import { Thread } from '../chat/Thread.js';
import { cpb, preview } from '../chat/format.js';
import { t } from '../i18n/index.js';
import { Lock, MessageSquare, Pin, RefreshCw } from '../kit/icons.js';
import { useStore } from '../state/storeContext.js';
import type { PanelDef } from './panelDef.js';

function WritingSwitches() {
  const store = useStore();
  const chat = store.chat;
  const settings = chat.chat.value?.settings ?? {};
  const readOnly = settings.whoMayWrite === cpb.Permission.PERMISSION_ADMINS;
  return (
    <details class="chat-switches">
      <summary>{t('chat.whoWrites')}</summary>
      <label class="check">
        <input
          type="checkbox"
          id="chat-guests-write"
          checked={Boolean(settings.guestsMayWrite)}
          onChange={(e) => void chat.setWriting({ guestsMayWrite: (e.target as HTMLInputElement).checked })}
        />
        {t('chat.guestsMayWrite')}
      </label>
      <label class="check">
        <input
          type="checkbox"
          id="chat-read-only"
          checked={readOnly}
          onChange={(e) => void chat.setWriting({ readOnly: (e.target as HTMLInputElement).checked })}
        />
        {t('chat.makeReadOnly')}
      </label>
    </details>
  );
}

function CallPins() {
  const chat = useStore().chat;
  const seqs = chat.chat.value?.pinned ?? [];
  return (
    <PinnedBar
      pins={seqs.map((seq) => ({ seq, m: chat.messages.value.get(seq) }))}
      jump={(seq) => showMessage(seq)}
    />
  );
}

function ChatPanelBody() {
  const store = useStore();
  const chat = store.chat;
  useEffect(() => {
    void chat.shown();
  }, [chat]);

  if (chat.state.value === 'unavailable') {
    return (
      <div class="chat-empty">
        <p>{t('chat.unavailable')}</p>
        <button type="button" onClick={() => void chat.open()}>
          <RefreshCw aria-hidden="true" /> {t('end.retry')}
        </button>
      </div>
    );
  }
  if (chat.state.value !== 'ready') return <p class="chat-empty">{t('chat.connecting')}</p>;

  const list = chat.list();
  const block = chat.writeBlock;
  return (
    <div class="chat-panel">
      {store.roster.isModerator ? <WritingSwitches /> : null}
      <CallPins />
      <Thread
        messages={list}
        actions={chat.actions()}
        label={t('chat.lessonTitle')}
        hasOlder={!chat.atStart.value && (list[0]?.seq ?? 0) > 1}
        older={() => chat.older()}
        olderId="chat-older"
        empty={block ? t('chat.emptyReadOnly') : t('chat.empty')}
      />
      {block ? (
        <p class="read-only" id="chat-blocked">
          <Lock aria-hidden="true" />{' '}
          {block === 'guests' ? t('chat.guestsNoWrite') : t('chat.readOnlyLesson')}
        </p>
      ) : (
        <Composer actions={chat.composer} state={chat} idPrefix="chat" />
      )}
    </div>
  );
}

export const chatPanel: PanelDef = {
  id: 'chat',
  title: 'chat.lessonTitle',
  short: 'chat.short',
  icon: MessageSquare,
  component: ChatPanelBody,
  place: 'bar',
  available: () => true,
  badge: (store) => store.chat.unread.value,
};
