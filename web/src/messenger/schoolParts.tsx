// The messenger's school parts, kept apart from the chat screens they plug
// into: folders and pinned chats over the list, the school's channels,
// invitation links with their QR code, join requests and a subscriber's
// question to a channel's admins (voice messages: voiceParts.tsx).
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Pin, Search, Users } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { ArchiveButton, archiveOpen, isArchived } from './ChatArchive.js';
import { RetentionNotice } from './ChatAutoDelete.js';
import { MuteButton } from './ChatMute.js';
import { ScheduledButton } from './ScheduledPosts.js';
import { type MessengerStore, type Msg, cpb } from './messengerStore.js';
import { folder, prefs } from './prefsState.js';

/** A line for the person after following a link ("request sent"). */
export const notice = signal<string | null>(null);

/** Shows a chat the person just joined without waiting for the server's event. */
function addChat(store: MessengerStore, chat: cpb.IChat | null | undefined): string {
  const id = chat?.chatId ?? '';
  if (!id) return id;
  if (!store.chats.value.has(id)) store.chats.value = new Map(store.chats.value).set(id, chat!);
  return id;
}

export async function loadPrefs(store: MessengerStore): Promise<void> {
  prefs.value = (await store.chat.request({ getPrefs: {} })).prefs ?? {};
}

/** The chats to list: the open folder's (or the archive's), pinned ones first in their order. */
export function organisedChats(store: MessengerStore): cpb.IChat[] {
  const all = store.sortedChats().filter((c) => isArchived(c.chatId) === archiveOpen.value);
  const f = (prefs.value.folders ?? []).find((x) => x.id === folder.value);
  const shown = f ? all.filter((c) => (f.chatIds ?? []).includes(c.chatId ?? '')) : all;
  const pinned = prefs.value.pinnedChats ?? [];
  const rank = (c: cpb.IChat) => {
    const i = pinned.indexOf(c.chatId ?? '');
    return i < 0 ? pinned.length : i;
  };
  return [...shown].sort((a, b) => rank(a) - rank(b));
}

export const isPinned = (chatId: string | null | undefined) =>
  (prefs.value.pinnedChats ?? []).includes(chatId ?? '');

export function PinMark({ chatId }: { chatId: string | null | undefined }) {
  return isPinned(chatId) ? <Pin class="meta-icon pin-mark" aria-label={t('school.pinned')} /> : null;
}

export function FolderTabs() {
  const folders = prefs.value.folders ?? [];
  if (!folders.length) return null;
  const tab = (id: string, name: string) => (
    <button
      type="button"
      role="tab"
      key={id}
      aria-selected={folder.value === id}
      class={`folder-tab${folder.value === id ? ' active' : ''}`}
      data-folder={id}
      onClick={() => {
        folder.value = id;
      }}
    >
      {name}
    </button>
  );
  return (
    <div class="folder-tabs" role="tablist" aria-label={t('school.folders')}>
      {tab('', t('school.allChats'))}
      {folders.map((f) => tab(f.id ?? '', f.name ?? ''))}
    </div>
  );
}

/** The school's listed channels: search and subscribe. */
export function ChannelSearch({ store }: { store: MessengerStore }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<cpb.IChat[]>([]);
  // Searching as the person types; the server folds case and ё.
  useEffect(() => {
    if (!open) return;
    void store.chat
      .request({ searchChannels: { query } })
      .then((r) => setFound(r.channels?.channels ?? []))
      .catch(() => setFound([]));
  }, [open, query, store]);
  if (!open) {
    return (
      <button type="button" class="ghost channel-search-open" onClick={() => setOpen(true)}>
        <Search aria-hidden="true" /> {t('school.findChannels')}
      </button>
    );
  }
  return (
    <div class="channel-search">
      <input
        type="search"
        value={query}
        placeholder={t('school.channelQuery')}
        aria-label={t('school.findChannels')}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
      />
      <ul>
        {found.map((c) => {
          const mine = store.chats.value.has(c.chatId ?? '');
          return (
            <li key={c.chatId} data-channel={c.chatId}>
              <span {...userText()}>{c.title}</span>
              <small>{t('school.subscribers', { count: c.memberCount ?? 0 })}</small>
              <button
                type="button"
                class="primary"
                disabled={mine}
                onClick={() =>
                  void store.chat.request({ subscribe: { chatId: c.chatId } }).then((r) => {
                    if (r.joinRequest) notice.value = t('school.requestSent');
                    else void store.open(addChat(store, r.chat));
                  })
                }
              >
                {mine ? t('school.subscribed') : t('school.subscribe')}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Follows /messenger#invite=<code>: joins, or says the request went to the admins. */
export async function followInvite(store: MessengerStore): Promise<void> {
  const code = new URLSearchParams(location.hash.slice(1)).get('invite');
  if (!code) return;
  history.replaceState(null, '', location.pathname);
  try {
    const r = await store.chat.request({ joinByInvite: { code } });
    if (r.chat?.chatId) await store.open(addChat(store, r.chat));
    else if (r.joinRequest) notice.value = t('school.requestSent');
  } catch {
    notice.value = t('school.inviteInvalid');
  }
}

/** Saved messages (s.) and a question to a channel (q.) take nobody else in. */
const ownChat = (c: cpb.IChat) => /^[sq]\./.test(c.chatId ?? '');

const isAdmin = (c: cpb.IChat) =>
  c.myRole === cpb.MemberRole.MEMBER_ROLE_ADMIN || c.myRole === cpb.MemberRole.MEMBER_ROLE_CREATOR;

function InvitePanel({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const [invite, setInvite] = useState<cpb.IInvite | null>(null);
  if (!invite) {
    return (
      <button
        type="button"
        class="ghost"
        onClick={() =>
          void store.chat
            .request({ createInvite: { chatId: chat.chatId } })
            .then((r) => setInvite(r.invite ?? null))
        }
      >
        {t('school.inviteLink')}
      </button>
    );
  }
  const url = `${location.origin}${invite.path}`;
  return (
    <div class="invite-panel">
      <img src={`/api/chat/invites/${invite.code}/qr.svg`} alt={t('school.qr')} width={132} height={132} />
      <input readOnly value={url} aria-label={t('school.inviteLink')} />
      <button
        type="button"
        class="ghost danger"
        onClick={() =>
          void store.chat
            .request({ revokeInvite: { chatId: chat.chatId, code: invite.code } })
            .then(() => setInvite(null))
        }
      >
        {t('school.revoke')}
      </button>
    </div>
  );
}

/** The people asking to join (a chat with join approval), for its admins: accept or decline. */
export function JoinRequestsPanel({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const [list, setList] = useState<cpb.IJoinRequest[]>([]);
  const load = () =>
    void store.chat
      .request({ listJoinRequests: { chatId: chat.chatId } })
      .then((r) => setList(r.joinRequests?.requests ?? []))
      .catch(() => setList([]));
  // Asked again whenever another chat opens.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the chat
  useEffect(load, [chat.chatId]);
  if (!list.length) return null;
  const decide = (userId: string, accept: boolean) =>
    void store.chat.request({ decideJoinRequest: { chatId: chat.chatId, userId, accept } }).then(load);
  return (
    <section class="join-requests" aria-label={t('school.joinRequests')}>
      <h3>{t('school.joinRequestsCount', { count: list.length })}</h3>
      <ul>
        {list.map((r) => (
          <li key={r.user?.userId} data-request={r.user?.userId}>
            <span {...userText()}>{r.user?.displayName}</span>
            <button type="button" class="primary" onClick={() => decide(r.user?.userId ?? '', true)}>
              {t('school.accept')}
            </button>
            <button type="button" class="ghost" onClick={() => decide(r.user?.userId ?? '', false)}>
              {t('school.decline')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** In a direct chat: the other person's quiet hours, if now. */
function PeerQuiet({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const [until, setUntil] = useState('');
  const peer = chat.peer?.userId ?? '';
  useEffect(() => {
    setUntil('');
    if (!peer) return;
    void store.chat
      .request({ getQuiet: { userId: peer } })
      .then((r) => setUntil(r.quiet?.quietNow ? (r.quiet.until ?? '') : ''))
      .catch(() => setUntil(''));
  }, [peer, store]);
  return until ? (
    <p class="peer-quiet">{t('school.peerQuiet', { name: chat.peer?.displayName ?? '', until })}</p>
  ) : null;
}

/** Under a chat's title: what kind of chat it is and what one may do there. */
export function ChatExtras({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const channel = chat.kind === cpb.ChatKind.CHAT_KIND_CHANNEL;
  const admin = isAdmin(chat);
  const [asking, setAsking] = useState(false);
  const [question, setQuestion] = useState('');
  const pinned = isPinned(chat.chatId);
  const togglePin = () =>
    void store.chat.request({ pinChat: { chatId: chat.chatId, pinned: !pinned } }).then((r) => {
      prefs.value = r.prefs ?? prefs.value;
    });
  const ask = () =>
    void store.chat
      .request({ askChannel: { chatId: chat.chatId, text: question, clientMessageId: crypto.randomUUID() } })
      .then((r) => {
        setAsking(false);
        setQuestion('');
        if (r.chat?.chatId) void store.open(addChat(store, r.chat));
      });
  return (
    <div class="chat-extras">
      <div class="chat-extras-row">
        {channel && (
          <span class="kind-badge">
            <Users aria-hidden="true" /> {t('school.channel')}
            {chat.settings?.archived ? ` · ${t('school.archived')}` : ''}
          </span>
        )}
        <button type="button" class="ghost" onClick={togglePin}>
          {pinned ? t('school.unpin') : t('school.pin')}
        </button>
        <MuteButton store={store} chat={chat} />
        <ArchiveButton store={store} chat={chat} />
        <ScheduledButton store={store} chat={chat} />
        {channel && !admin && (
          <button type="button" class="ghost" onClick={() => setAsking(!asking)}>
            {t('school.askAdmins')}
          </button>
        )}
        {admin && !ownChat(chat) && (chat.kind === cpb.ChatKind.CHAT_KIND_GROUP || channel) && (
          <InvitePanel store={store} chat={chat} />
        )}
      </div>
      {asking && (
        <form
          class="ask-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (question.trim()) ask();
          }}
        >
          <input
            value={question}
            placeholder={t('school.questionHint')}
            aria-label={t('school.askAdmins')}
            onInput={(e) => setQuestion((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">
            {t('common.send')}
          </button>
        </form>
      )}
      <RetentionNotice days={chat.retentionDays} />
      {admin && <JoinRequestsPanel store={store} chat={chat} />}
      {chat.kind === cpb.ChatKind.CHAT_KIND_DIRECT && <PeerQuiet store={store} chat={chat} />}
    </div>
  );
}
