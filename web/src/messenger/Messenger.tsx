// The messenger page: the list of chats with unread counts, and a chat with
// its history, replies, edits, deletes, reactions, pins, important marks,
// polls, attachments and the composer. On a phone one of the two shows at a
// time.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Upload } from 'tus-js-client';
import { lang, t } from '../i18n/index.js';
import { LanguageSwitch } from '../ui/LanguageSwitch.js';
import { ArrowLeft, ChartColumn, Ellipsis, Paperclip, Pin, Star } from '../ui/icons.js';
import { type MessengerStore, type Msg, cpb } from './messengerStore.js';
import { Organise } from './organise.js';
import { ChannelSearch, ChatExtras, FolderTabs, PinMark, notice, organisedChats } from './schoolParts.js';
import { VoiceNote, VoiceRecorder, voicePreview } from './voiceParts.js';

const REACTIONS = ['👍', '❤️', '😂', '😮', '🙏'];

function time(ms: number | null | undefined): string {
  const locale = lang.value === 'ru' ? 'ru-RU' : 'en-GB';
  return ms ? new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }) : '';
}

function chatTitle(c: cpb.IChat): string {
  return c.kind === cpb.ChatKind.CHAT_KIND_DIRECT ? (c.peer?.displayName ?? '') : (c.title ?? '');
}

function systemText(m: Msg): string {
  const s = m.system;
  const who = s?.actorName ?? '';
  switch (s?.type) {
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_CREATED:
      return t('chat.sys.created', { who, title: s.title ?? '' });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_ADDED:
      return t('chat.sys.added', { who, names: (s.userNames ?? []).join(', ') });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_REMOVED:
      return t('chat.sys.removed', { who, names: (s.userNames ?? []).join(', ') });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_JOINED:
      return t('chat.sys.joined', { who });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_LEFT:
      return t('chat.sys.left', { who });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_RENAMED:
      return t('chat.sys.renamed', { who, title: s.title ?? '' });
    default:
      return '';
  }
}

function preview(m: Msg | null | undefined): string {
  if (!m) return '';
  if (m.deleted) return t('chat.deleted');
  if (m.kind === cpb.MessageKind.MESSAGE_KIND_SYSTEM) return systemText(m);
  if (m.poll) return m.poll.question ?? '';
  if (m.voice) return voicePreview(m);
  return m.text || (m.attachments?.[0]?.name ?? '');
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
  const p = m.poll!;
  const voted = (m.myVotes ?? []).length > 0;
  const closed = p.closed || ((p.closesAt ?? 0) > 0 && (p.closesAt ?? 0) < Date.now());
  const total = Math.max(1, p.voters ?? 0);
  const vote = (i: number) =>
    void store.chat.request({ vote: { chatId: m.chatId, seq: m.seq, options: [i] } }).then((r) => {
      if (r.voted?.message) store.upsert([r.voted.message], true);
    });
  return (
    <div class="poll">
      <strong>{p.question}</strong>
      {(p.options ?? []).map((o, i) => (
        <button
          type="button"
          key={o.text}
          class={`poll-option${p.correctOption === i ? ' correct' : ''}${m.myVotes?.includes(i) ? ' mine' : ''}`}
          disabled={voted || closed}
          onClick={() => vote(i)}
        >
          <span>{o.text}</span>
          {(voted || closed) && <span class="poll-count">{Math.round(((o.votes ?? 0) * 100) / total)}%</span>}
        </button>
      ))}
      <small>
        {t('chat.poll.voters', { count: p.voters ?? 0 })}
        {closed ? ` · ${t('chat.poll.closed')}` : ''}
      </small>
    </div>
  );
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
        .then((r) => setUrls((u) => ({ ...u, [a.fileId ?? '']: r.fileUrl?.url ?? '' })));
    }
  }, [m.attachments]);
  const download = (fileId: string) =>
    void store.chat.request({ getFileUrl: { chatId: m.chatId, fileId } }).then((r) => {
      if (r.fileUrl?.url) window.open(r.fileUrl.url, '_blank', 'noopener');
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
    void req
      .request({ react: { chatId, seq: m.seq, emoji, add: !(m.myReactions ?? []).includes(emoji) } })
      .then((r) => {
        if (r.message) store.upsert([r.message], true);
      });
  const act = (body: Parameters<typeof req.request>[0]) => {
    setMenu(false);
    void req.request(body).then((r) => {
      if (r.message) store.upsert([r.message], true);
    });
  };
  const readBy = () =>
    void req
      .request({ getReadBy: { chatId, seq: m.seq } })
      .then((r) =>
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
                void req.request({ joinCall: { chatId, seq: m.seq } }).then((r) => {
                  if (r.call?.joinUrl)
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
        <span class="reactions">
          {(m.reactions ?? []).map((r) => (
            <button
              type="button"
              key={r.emoji}
              class={`reaction${(m.myReactions ?? []).includes(r.emoji ?? '') ? ' mine' : ''}`}
              onClick={() => react(r.emoji ?? '')}
            >
              {r.emoji} {r.count}
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
            {REACTIONS.map((e) => (
              <button
                type="button"
                key={e}
                onClick={() => {
                  setMenu(false);
                  react(e);
                }}
              >
                {e}
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
    void store.chat.request({
      forwardMessages: {
        fromChatId: m.chatId,
        seqs: [m.seq ?? 0],
        toChatIds: chosen,
        clientMessageId: crypto.randomUUID(),
      },
    });
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
  const send = async (fileIds: string[] = []) => {
    const body = text.trim();
    if (editing) {
      await store.chat.request({ editMessage: { chatId, seq: editing.seq, text: body } });
      store.editing.value = null;
    } else if (pollMode) {
      const [question, ...options] = body
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean);
      await store.chat.request({
        sendMessage: { chatId, clientMessageId: crypto.randomUUID(), poll: { question, options } },
      });
      setPollMode(false);
    } else if (body || fileIds.length) {
      const r = await store.chat.request({
        sendMessage: {
          chatId,
          text: body,
          clientMessageId: crypto.randomUUID(),
          replyTo: replyTo?.seq ?? 0,
          fileIds,
        },
      });
      if (r.message) store.upsert([r.message], true);
      store.replyTo.value = null;
    }
    setText('');
  };
  const upload = (file: File) => {
    setProgress(0);
    const token =
      new URLSearchParams(location.hash.slice(1)).get('token') ?? sessionStorage.getItem('chat-token') ?? '';
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
      onError: () => setProgress(null),
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
        <button type="submit" class="primary" id="composer-send">
          {t('common.send')}
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
        <small>
          {c.kind === cpb.ChatKind.CHAT_KIND_CHANNEL
            ? t('school.subscribers', { count: c.memberCount ?? 0 })
            : t('chat.members', { count: c.memberCount ?? 0 })}
        </small>
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

export function Messenger({ store }: { store: MessengerStore }) {
  const selected = store.selected.value;
  return (
    <main class={`messenger${selected ? ' has-chat' : ''}`}>
      <header class="messenger-head">
        <h1>{t('chat.title')}</h1>
        <span class="me">{store.me.value?.displayName}</span>
        <LanguageSwitch />
      </header>
      {!store.connected.value && <p class="offline">{t('chat.connecting')}</p>}
      {notice.value && <output class="notice">{notice.value}</output>}
      <div class="messenger-body">
        <ChatList store={store} />
        {selected ? <ChatView store={store} chatId={selected} /> : <p class="no-chat">{t('chat.choose')}</p>}
      </div>
    </main>
  );
}
