// The messenger page: the list of chats with unread counts, and a chat with
// its history, replies, edits, deletes, reactions, pins, important marks,
// polls, attachments and the composer. On a phone one of the two shows at a
// time.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Upload } from 'tus-js-client';
import { callHref, currentChatToken, onSession } from '../account/sessionTokens.js';
import { PollView } from '../chat/MessageItem.js';
import { preview, systemText, time } from '../chat/format.js';
import { CHAT_REACTIONS, ReactionGlyph, reactionName } from '../chat/reactions.js';
import { t } from '../i18n/index.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';
import {
  ArrowLeft,
  ChartColumn,
  Ellipsis,
  MessageSquarePlus,
  Paperclip,
  Pin,
  Send,
  Star,
  Users,
} from '../ui/icons.js';
import { ChatInfo } from './ChatInfo.js';
import { NewChat } from './NewChat.js';
import { type MessengerStore, type Msg, cpb } from './messengerStore.js';
import { Organise } from './organise.js';
import { ChannelSearch, ChatExtras, FolderTabs, PinMark, notice, organisedChats } from './schoolParts.js';
import { VoiceNote, VoiceRecorder } from './voiceParts.js';

function chatTitle(c: cpb.IChat): string {
  return c.kind === cpb.ChatKind.CHAT_KIND_DIRECT ? (c.peer?.displayName ?? '') : (c.title ?? '');
}

function ChatList({ store }: { store: MessengerStore }) {
  const selected = store.selected.value;
  return (
    <nav class="chat-list" aria-label={t('chat.list')}>
      <FolderTabs />
      <ul>
        {organisedChats(store).map((c) => (
          <li key={c.chatId}>
            <button
              type="button"
              class={`chat-item${c.chatId === selected ? ' active' : ''}`}
              data-chat={c.chatId}
              onClick={() => void store.open(c.chatId ?? '')}
            >
              <span class="chat-item-title">
                <PinMark chatId={c.chatId} />
                {chatTitle(c)}
              </span>
              <span class="chat-item-last">{preview(c.lastMessage)}</span>
              {(c.unread ?? 0) > 0 && (
                <span class="badge" aria-label={t('chat.unread', { count: c.unread ?? 0 })}>
                  {c.unread}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <ChannelSearch store={store} />
      <Organise store={store} />
    </nav>
  );
}

function Poll({ store, m }: { store: MessengerStore; m: Msg }) {
  const vote = (i: number) =>
    void store
      .run(() => store.chat.request({ vote: { chatId: m.chatId, seq: m.seq, options: [i] } }))
      .then((r) => {
        if (r?.voted?.message) store.upsert([r.voted.message], true);
      });
  return <PollView m={m} vote={vote} />;
}

function Attachments({ store, m }: { store: MessengerStore; m: Msg }) {
  const [urls, setUrls] = useState<Record<string, string>>({});
  // Links are asked once per file of this message; the message's files do not change.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the message's own attachments
  useEffect(() => {
    for (const a of m.attachments ?? []) {
      if (!a.hasPreview || urls[a.fileId ?? '']) continue;
      void store.chat
        .request({ getFileUrl: { chatId: m.chatId, fileId: a.fileId, preview: true } })
        .then((r) => setUrls((u) => ({ ...u, [a.fileId ?? '']: r.fileUrl?.url ?? '' })))
        .catch(() => undefined);
    }
  }, [m.attachments]);
  const download = (fileId: string) =>
    void store
      .run(() => store.chat.request({ getFileUrl: { chatId: m.chatId, fileId } }))
      .then((r) => {
        if (r?.fileUrl?.url) window.open(r.fileUrl.url, '_blank', 'noopener');
      });
  return (
    <div class="attachments">
      {(m.attachments ?? []).map((a) =>
        a.hasPreview && urls[a.fileId ?? ''] ? (
          <img
            key={a.fileId}
            src={urls[a.fileId ?? '']}
            alt={a.name ?? ''}
            width={a.width ?? undefined}
            height={a.height ?? undefined}
          />
        ) : (
          <button type="button" key={a.fileId} class="file" onClick={() => download(a.fileId ?? '')}>
            <Paperclip aria-hidden="true" /> {a.name} <small>({Math.ceil((a.size ?? 0) / 1024)} KB)</small>
          </button>
        ),
      )}
    </div>
  );
}

function Message({ store, m }: { store: MessengerStore; m: Msg }) {
  const mine = m.senderId === store.me.value?.userId;
  const [menu, setMenu] = useState(false);
  const [readers, setReaders] = useState<string | null>(null);
  if (m.kind === cpb.MessageKind.MESSAGE_KIND_SYSTEM) {
    return <li class="msg system">{systemText(m)}</li>;
  }
  const req = store.chat;
  const chatId = m.chatId ?? '';
  const react = (emoji: string) =>
    void store
      .run(() =>
        req.request({ react: { chatId, seq: m.seq, emoji, add: !(m.myReactions ?? []).includes(emoji) } }),
      )
      .then((r) => {
        if (r?.message) store.upsert([r.message], true);
      });
  const act = (body: Parameters<typeof req.request>[0]) => {
    setMenu(false);
    void store
      .run(() => req.request(body))
      .then((r) => {
        if (r?.message) store.upsert([r.message], true);
      });
  };
  const readBy = () =>
    void store
      .run(() => req.request({ getReadBy: { chatId, seq: m.seq } }))
      .then(
        (r) =>
          r &&
          setReaders(
            `${t('chat.readBy', { count: r.readBy?.readCount ?? 0 })}: ${(r.readBy?.read ?? []).map((u) => u.displayName).join(', ')}\n` +
              `${t('chat.notReadBy', { count: r.readBy?.unreadCount ?? 0 })}: ${(r.readBy?.unread ?? []).map((u) => u.displayName).join(', ')}`,
          ),
      );
  return (
    <li class={`msg${mine ? ' mine' : ''}${m.pinned ? ' pinned' : ''}`} data-seq={m.seq}>
      {!mine && <span class="msg-sender">{m.senderName}</span>}
      {m.forwardedFrom && (
        <span class="msg-forwarded">
          {t('chat.forwardedFrom', { name: m.forwardedFrom.senderName ?? '' })}
        </span>
      )}
      {m.replyTo && (
        <blockquote class="msg-reply">
          <strong>{m.replyTo.senderName}</strong> {m.replyTo.text}
        </blockquote>
      )}
      {m.deleted ? (
        <p class="msg-text deleted">{t('chat.deleted')}</p>
      ) : (
        <>
          {m.text && <p class="msg-text">{m.text}</p>}
          {m.poll && <Poll store={store} m={m} />}
          {m.voice ? (
            <VoiceNote store={store} m={m} />
          ) : (
            (m.attachments ?? []).length > 0 && <Attachments store={store} m={m} />
          )}
          {m.call && (
            <button
              type="button"
              class="primary"
              onClick={() =>
                onSession()
                  ? location.assign(callHref(m.call?.roomId ?? '', chatId, m.seq ?? 0))
                  : void store
                      .run(() => req.request({ joinCall: { chatId, seq: m.seq } }))
                      .then((r) => {
                        if (r?.call?.joinUrl)
                          location.assign(new URL(r.call.joinUrl).pathname + new URL(r.call.joinUrl).hash);
                      })
              }
            >
              {t('chat.joinCall', { title: m.call.title ?? '' })}
            </button>
          )}
        </>
      )}
      <span class="msg-meta">
        {m.important && <Star class="meta-icon" aria-label={t('chat.important')} />}
        {m.pinned && <Pin class="meta-icon" aria-label={t('chat.pinned')} />}
        {(m.editedAt ?? 0) > 0 && !m.deleted && `${t('chat.edited')} · `}
        {time(m.sentAt)}
      </span>
      {(m.reactions ?? []).length > 0 && (
        <span class="msg-reactions">
          {(m.reactions ?? []).map((r) => (
            <button
              type="button"
              key={r.emoji}
              class={`msg-reaction${(m.myReactions ?? []).includes(r.emoji ?? '') ? ' mine' : ''}`}
              data-emoji={r.emoji}
              aria-label={`${reactionName(r.emoji ?? '')}: ${r.count ?? 0}`}
              onClick={() => react(r.emoji ?? '')}
            >
              <ReactionGlyph emoji={r.emoji ?? ''} />
              <span class="reaction-count">{r.count}</span>
            </button>
          ))}
        </span>
      )}
      {!m.deleted && (
        <button
          type="button"
          class="msg-menu-button ghost"
          aria-label={t('chat.actions')}
          onClick={() => setMenu(!menu)}
        >
          <Ellipsis aria-hidden="true" />
        </button>
      )}
      {menu && (
        <div class="msg-menu" role="menu">
          <div class="reaction-pick">
            {CHAT_REACTIONS.map((r) => (
              <button
                type="button"
                key={r.emoji}
                data-emoji={r.emoji}
                aria-label={t(r.name)}
                title={t(r.name)}
                onClick={() => {
                  setMenu(false);
                  react(r.emoji);
                }}
              >
                <r.icon aria-hidden="true" />
              </button>
            ))}
          </div>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setMenu(false);
              store.replyTo.value = m;
            }}
          >
            {t('chat.reply')}
          </button>
          {mine && m.kind === cpb.MessageKind.MESSAGE_KIND_TEXT && (
            <button
              type="button"
              role="menuitem"
              onClick={() => {
                setMenu(false);
                store.editing.value = m;
              }}
            >
              {t('chat.edit')}
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            onClick={() => act({ pinMessage: { chatId, seq: m.seq, pin: !m.pinned } })}
          >
            {m.pinned ? t('chat.unpin') : t('chat.pin')}
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() => act({ markImportant: { chatId, seq: m.seq, important: !m.important } })}
          >
            {m.important ? t('chat.notImportant') : t('chat.markImportant')}
          </button>
          <ForwardButton store={store} m={m} done={() => setMenu(false)} />
          {mine && (
            <button
              type="button"
              role="menuitem"
              onClick={() => {
                setMenu(false);
                readBy();
              }}
            >
              {t('chat.whoRead')}
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            class="danger"
            onClick={() => act({ deleteMessage: { chatId, seq: m.seq } })}
          >
            {t('chat.delete')}
          </button>
        </div>
      )}
      {readers && (
        <button type="button" class="read-by ghost" onClick={() => setReaders(null)}>
          {readers}
        </button>
      )}
    </li>
  );
}

function ForwardButton({ store, m, done }: { store: MessengerStore; m: Msg; done: () => void }) {
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  if (!open) {
    return (
      <button type="button" role="menuitem" onClick={() => setOpen(true)}>
        {t('chat.forward')}
      </button>
    );
  }
  const send = () => {
    void store.run(() =>
      store.chat.request({
        forwardMessages: {
          fromChatId: m.chatId,
          seqs: [m.seq ?? 0],
          toChatIds: chosen,
          clientMessageId: crypto.randomUUID(),
        },
      }),
    );
    done();
  };
  return (
    <fieldset class="forward">
      <legend>{t('chat.forwardTo')}</legend>
      {store.sortedChats().map((c) => (
        <label key={c.chatId}>
          <input
            type="checkbox"
            disabled={!chosen.includes(c.chatId ?? '') && chosen.length >= 12}
            onChange={(e) =>
              setChosen(
                (e.target as HTMLInputElement).checked
                  ? [...chosen, c.chatId ?? '']
                  : chosen.filter((x) => x !== c.chatId),
              )
            }
          />
          {chatTitle(c)}
        </label>
      ))}
      <button type="button" class="primary" disabled={!chosen.length} onClick={send}>
        {t('chat.forward')}
      </button>
    </fieldset>
  );
}

function Composer({ store, chatId }: { store: MessengerStore; chatId: string }) {
  const [text, setText] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [pollMode, setPollMode] = useState(false);
  const editing = store.editing.value;
  const replyTo = store.replyTo.value;
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => setText(editing?.text ?? ''), [editing]);
  // A refusal keeps the text in the box and says why (store.run).
  const send = async (fileIds: string[] = []) => {
    const body = text.trim();
    if (editing) {
      const r = await store.run(() =>
        store.chat.request({ editMessage: { chatId, seq: editing.seq, text: body } }),
      );
      if (!r) return;
      store.editing.value = null;
    } else if (pollMode) {
      const [question, ...options] = body
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean);
      const r = await store.run(() =>
        store.chat.request({
          sendMessage: { chatId, clientMessageId: crypto.randomUUID(), poll: { question, options } },
        }),
      );
      if (!r) return;
      setPollMode(false);
    } else if (body || fileIds.length) {
      const r = await store.run(() =>
        store.chat.request({
          sendMessage: {
            chatId,
            text: body,
            clientMessageId: crypto.randomUUID(),
            replyTo: replyTo?.seq ?? 0,
            fileIds,
          },
        }),
      );
      if (!r) return;
      if (r.message) store.upsert([r.message], true);
      store.replyTo.value = null;
    }
    setText('');
  };
  const upload = (file: File) => {
    setProgress(0);
    const token = currentChatToken();
    const u = new Upload(file, {
      endpoint: '/api/chat/uploads',
      headers: { authorization: `Bearer ${token}` },
      metadata: { chatId, filename: file.name, filetype: file.type || 'application/octet-stream' },
      chunkSize: 8 * 1024 * 1024,
      onProgress: (sent, total) => setProgress(Math.round((sent * 100) / Math.max(1, total))),
      onSuccess: () => {
        setProgress(null);
        void send([u.url?.split('/').pop() ?? '']);
      },
      onError: () => {
        setProgress(null);
        store.say(t('chat.uploadFailed'));
      },
    });
    u.start();
  };
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {(replyTo || editing) && (
        <div class="composer-context">
          {editing ? t('chat.editing') : t('chat.replyingTo', { name: replyTo?.senderName ?? '' })}
          <button
            type="button"
            class="ghost"
            onClick={() => {
              store.replyTo.value = null;
              store.editing.value = null;
            }}
          >
            {t('common.cancel')}
          </button>
        </div>
      )}
      {progress !== null && <progress max={100} value={progress} aria-label={t('chat.uploading')} />}
      <div class="composer-row">
        <button
          type="button"
          class="ghost"
          aria-label={t('chat.attach')}
          onClick={() => fileInput.current?.click()}
        >
          <Paperclip aria-hidden="true" />
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          onChange={(e) => {
            const f = (e.target as HTMLInputElement).files?.[0];
            if (f) upload(f);
          }}
        />
        <VoiceRecorder store={store} chatId={chatId} />
        <button
          type="button"
          class={`ghost${pollMode ? ' active' : ''}`}
          aria-label={t('chat.poll.new')}
          onClick={() => setPollMode(!pollMode)}
        >
          <ChartColumn aria-hidden="true" />
        </button>
        <textarea
          id="composer-text"
          rows={pollMode ? 4 : 1}
          value={text}
          placeholder={pollMode ? t('chat.poll.hint') : t('chat.placeholder')}
          onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !pollMode) {
              e.preventDefault();
              void send();
            }
          }}
        />
        <button type="submit" class="primary send-button" id="composer-send" aria-label={t('common.send')}>
          <Send aria-hidden="true" />
          <span class="wide-only">{t('common.send')}</span>
        </button>
      </div>
    </form>
  );
}

function ChatView({ store, chatId }: { store: MessengerStore; chatId: string }) {
  const c = store.chats.value.get(chatId);
  const list = store.list(chatId);
  const bottom = useRef<HTMLLIElement>(null);
  const [more, setMore] = useState(true);
  // Keep the newest message in view when messages arrive or another chat opens.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run on these changes on purpose
  useEffect(() => bottom.current?.scrollIntoView({ block: 'end' }), [list.length, chatId]);
  if (!c) return null;
  // A channel with comments on takes its subscribers' replies to posts.
  const commenting =
    c.kind === cpb.ChatKind.CHAT_KIND_CHANNEL &&
    c.settings?.comments === cpb.CommentsMode.COMMENTS_MODE_ON &&
    !!store.replyTo.value;
  const readOnly =
    (c.settings?.whoMayWrite === cpb.Permission.PERMISSION_ADMINS &&
      c.myRole === cpb.MemberRole.MEMBER_ROLE_MEMBER &&
      !commenting) ||
    !!c.settings?.archived;
  return (
    <section class="chat-view" aria-label={chatTitle(c)}>
      <header class="chat-head">
        <button
          type="button"
          class="ghost back"
          aria-label={t('chat.back')}
          onClick={() => {
            store.selected.value = null;
          }}
        >
          <ArrowLeft aria-hidden="true" />
        </button>
        <h2>{chatTitle(c)}</h2>
        <button
          type="button"
          class="ghost chat-info-button"
          id="chat-info-button"
          aria-label={`${t('msgr.about')}: ${t('chat.members', { count: c.memberCount ?? 0 })}`}
          onClick={() => {
            store.sheet.value = 'info';
          }}
        >
          <Users aria-hidden="true" />
          <small>
            {c.kind === cpb.ChatKind.CHAT_KIND_CHANNEL
              ? t('school.subscribers', { count: c.memberCount ?? 0 })
              : t('chat.members', { count: c.memberCount ?? 0 })}
          </small>
        </button>
      </header>
      <ChatExtras store={store} chat={c} />
      <ol class="messages">
        {more && list.length > 0 && (list[0]?.seq ?? 0) > 1 && (
          <li class="older">
            <button type="button" class="ghost" onClick={() => void store.older(chatId).then(setMore)}>
              {t('chat.older')}
            </button>
          </li>
        )}
        {list.map((m) => (
          <Message key={m.seq} store={store} m={m} />
        ))}
        <li ref={bottom} />
      </ol>
      {readOnly ? <p class="read-only">{t('chat.readOnly')}</p> : <Composer store={store} chatId={chatId} />}
    </section>
  );
}

/** The right side (the whole screen on a phone): a new chat, a chat's people and rules, or the chat. */
function Side({ store }: { store: MessengerStore }) {
  const selected = store.selected.value;
  const sheet = store.sheet.value;
  if (sheet === 'new') return <NewChat store={store} />;
  if (!selected) return <p class="no-chat">{t('chat.choose')}</p>;
  if (sheet === 'info') return <ChatInfo key={selected} store={store} chatId={selected} />;
  return <ChatView store={store} chatId={selected} />;
}

export function Messenger({ store }: { store: MessengerStore }) {
  const open = Boolean(store.selected.value || store.sheet.value);
  return (
    <main class={`messenger${open ? ' has-chat' : ''}`}>
      <header class="messenger-head">
        <h1>{t('chat.title')}</h1>
        <span class="me wide-only">{store.me.value?.displayName}</span>
        <button
          type="button"
          class="ghost new-chat-button"
          id="new-chat-button"
          aria-label={t('msgr.newChat')}
          title={t('msgr.newChat')}
          onClick={() => {
            store.sheet.value = 'new';
          }}
        >
          <MessageSquarePlus aria-hidden="true" />
          <span class="wide-only">{t('msgr.newChat')}</span>
        </button>
        <LanguageSwitch />
      </header>
      {!store.connected.value && <p class="offline">{t('chat.connecting')}</p>}
      {notice.value && <output class="notice">{notice.value}</output>}
      <div class="messenger-body">
        <ChatList store={store} />
        <Side store={store} />
      </div>
      {store.notice.value ? (
        <div class="msgr-notice" role="alert" id="msgr-notice">
          {store.notice.value}
        </div>
      ) : null}
    </main>
  );
}
