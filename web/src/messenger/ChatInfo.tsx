// A chat's people and rules: the members list (surname order, search,
// pages), admins appointed and removed, people added and removed, the title
// and the rules changed by those allowed, and leaving the chat. The server
// decides every one of these; a refusal reads as a translated sentence.
import { useEffect, useState } from 'preact/hooks';
import { myRights } from '../chat/rights.js';
import { t } from '../i18n/index.js';
import { Menu, MenuItem } from '../kit/Menu.js';
import { Sheet } from '../kit/Sheet.js';
import {
  ArrowLeft,
  Crown,
  EllipsisVertical,
  LogOut,
  Search,
  ShieldCheck,
  UserMinus,
  UserPlus,
} from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { ChatAutoDelete } from './ChatAutoDelete.js';
import { ClearHistory } from './ChatMarks.js';
import { ChatSettingsFields } from './ChatSettingsFields.js';
import { PeoplePicker } from './PeoplePicker.js';
import { type MessengerStore, cpb } from './messengerStore.js';
import { JoinRequestsPanel } from './schoolParts.js';

const R = cpb.MemberRole;
const PAGE = 50;

function roleLabel(role: cpb.MemberRole | null | undefined): string {
  if (role === R.MEMBER_ROLE_CREATOR) return t('msgr.roleCreator');
  if (role === R.MEMBER_ROLE_ADMIN) return t('msgr.roleAdmin');
  return '';
}

export function ChatInfo({ store, chatId }: { store: MessengerStore; chatId: string }) {
  const c = store.chats.value.get(chatId);
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<cpb.IMemberPage | null>(null);
  const [version, setVersion] = useState(0);
  const [adding, setAdding] = useState<cpb.IUser[] | null>(null);
  const [title, setTitle] = useState(c?.title ?? '');
  const [leaving, setLeaving] = useState(false);
  // Settings asked for and not yet answered: shown as chosen, so a second
  // change made before the first answer is not undone by that answer.
  const [pending, setPending] = useState<cpb.IChatSettings>({});
  // Read again after a change of ours (version) or of the member count (someone else's).
  // biome-ignore lint/correctness/useExhaustiveDependencies: version and the count trigger a reload on purpose
  useEffect(() => {
    let current = true;
    void store
      .run(() => store.chat.request({ listMembers: { chatId, query, offset, limit: PAGE } }))
      .then((r) => {
        if (current && r) setPage(r.members ?? {});
      });
    return () => {
      current = false;
    };
  }, [store, chatId, query, offset, version, c?.memberCount]);
  if (!c) return null;
  const me = store.me.value?.userId;
  const myRole = c.myRole;
  const group = c.kind === cpb.ChatKind.CHAT_KIND_GROUP;
  const channel = c.kind === cpb.ChatKind.CHAT_KIND_CHANNEL;
  const isAdmin = myRole === R.MEMBER_ROLE_ADMIN || myRole === R.MEMBER_ROLE_CREATOR;
  const creator = myRole === R.MEMBER_ROLE_CREATOR;
  const s = c.settings ?? {};
  // What the server says this person may do here (messaging/permissions.ts rightsOf).
  const rights = myRights(c);
  // People are added by name to group chats; a channel's come by link or search.
  const canInvite = group && !!rights.invite;
  const canAppoint = (group || channel) && !!rights.appointAdmins;
  const canEditInfo = (group || channel) && !!rights.editInfo;
  const reload = () => setVersion(version + 1);
  const act = async (body: Parameters<MessengerStore['chat']['request']>[0]) => {
    const r = await store.run(() => store.chat.request(body));
    if (r?.chat) store.putChat(r.chat);
    if (r) reload();
    return r;
  };
  const changeSettings = async (change: cpb.IChatSettings) => {
    setPending((p) => ({ ...p, ...change }));
    await act({ updateChatSettings: { chatId, settings: change } });
    setPending((p) => {
      const rest: Record<string, unknown> = { ...p };
      for (const k of Object.keys(change)) delete rest[k];
      return rest as cpb.IChatSettings;
    });
  };
  const members = page?.members ?? [];
  const total = page?.total ?? 0;
  return (
    <Sheet
      id="chat-info"
      title={t('msgr.about')}
      backLabel={t('msgr.backToChat')}
      onBack={() => {
        store.sheet.value = null;
      }}
    >
      <div class="sheet-body">
        {canEditInfo ? (
          <form
            class="title-edit"
            onSubmit={(e) => {
              e.preventDefault();
              void act({ updateChatInfo: { chatId, title: title.trim() } });
            }}
          >
            <label class="field">
              {t('msgr.title')}
              <input
                id="chat-title-input"
                value={title}
                maxLength={128}
                onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
              />
            </label>
            <button type="submit" disabled={!title.trim() || title.trim() === c.title}>
              {t('chat.save')}
            </button>
          </form>
        ) : (
          <p class="chat-info-title">{c.title || c.peer?.displayName}</p>
        )}
        {(group || channel) && rights.changeSettings ? <JoinRequestsPanel store={store} chat={c} /> : null}
        <h3>
          {channel
            ? t('school.subscribers', { count: c.memberCount ?? total })
            : t('chat.members', { count: c.memberCount ?? total })}
        </h3>
        {canInvite ? (
          adding ? (
            <div class="add-people">
              <PeoplePicker
                store={store}
                chosen={adding}
                onChange={setAdding}
                exclude={members.map((m) => m.user?.userId ?? '')}
              />
              <div class="row-actions">
                <button type="button" class="ghost" onClick={() => setAdding(null)}>
                  {t('common.cancel')}
                </button>
                <button
                  type="button"
                  class="primary"
                  id="add-people-confirm"
                  disabled={adding.length === 0}
                  onClick={async () => {
                    const ids = adding.map((u) => u.userId ?? '');
                    if (await act({ addMembers: { chatId, userIds: ids } })) setAdding(null);
                  }}
                >
                  {t('msgr.add')}
                </button>
              </div>
            </div>
          ) : (
            <button type="button" id="add-people" onClick={() => setAdding([])}>
              <UserPlus aria-hidden="true" /> {t('msgr.addPeople')}
            </button>
          )
        ) : null}
        {total > PAGE || query ? (
          <label class="search-box">
            <Search aria-hidden="true" />
            <input
              type="search"
              value={query}
              placeholder={t('people.search')}
              aria-label={t('people.search')}
              onInput={(e) => {
                setQuery((e.target as HTMLInputElement).value);
                setOffset(0);
              }}
            />
          </label>
        ) : null}
        <ul class="members" id="members">
          {members.map((m) => {
            const u = m.user ?? {};
            const self = u.userId === me;
            const targetAdmin = m.role === R.MEMBER_ROLE_ADMIN;
            const mayAppoint = canAppoint && !self && m.role !== R.MEMBER_ROLE_CREATOR;
            const mayRemove =
              group && isAdmin && !self && m.role !== R.MEMBER_ROLE_CREATOR && (!targetAdmin || creator);
            return (
              <li key={u.userId} class="member" data-user={u.userId}>
                <span class="member-name">
                  <span {...userText()}>{u.displayName}</span>
                  {self ? ` (${t('people.you')})` : ''}
                </span>
                {m.role === R.MEMBER_ROLE_CREATOR ? (
                  <Crown class="member-role-icon" aria-hidden="true" />
                ) : targetAdmin ? (
                  <ShieldCheck class="member-role-icon" aria-hidden="true" />
                ) : null}
                <small class="member-role">{roleLabel(m.role)}</small>
                {mayAppoint || mayRemove ? (
                  <Menu
                    label={t('people.actions', { name: u.displayName ?? '' })}
                    class="ghost icon-only"
                    data={{ 'data-menu': u.userId ?? '' }}
                    button={<EllipsisVertical aria-hidden="true" />}
                  >
                    {(close) => (
                      <>
                        {mayAppoint ? (
                          <MenuItem
                            close={close}
                            data={{ 'data-action': targetAdmin ? 'unadmin' : 'admin' }}
                            onSelect={() =>
                              void act({
                                setMemberRole: {
                                  chatId,
                                  userId: u.userId,
                                  role: targetAdmin ? R.MEMBER_ROLE_MEMBER : R.MEMBER_ROLE_ADMIN,
                                },
                              })
                            }
                          >
                            <ShieldCheck aria-hidden="true" />{' '}
                            {targetAdmin ? t('msgr.unmakeAdmin') : t('msgr.makeAdmin')}
                          </MenuItem>
                        ) : null}
                        {mayRemove ? (
                          <MenuItem
                            close={close}
                            danger
                            data={{ 'data-action': 'remove' }}
                            onSelect={() => void act({ removeMember: { chatId, userId: u.userId } })}
                          >
                            <UserMinus aria-hidden="true" /> {t('msgr.remove')}
                          </MenuItem>
                        ) : null}
                      </>
                    )}
                  </Menu>
                ) : null}
              </li>
            );
          })}
        </ul>
        {total > PAGE ? (
          <div class="row-actions">
            <button
              type="button"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              {t('people.prev')}
            </button>
            <span>{t('people.page', { from: offset + 1, to: Math.min(total, offset + PAGE), total })}</span>
            <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
              {t('people.next')}
            </button>
          </div>
        ) : null}
        {(group || channel) && rights.changeSettings ? (
          <>
            <ChatSettingsFields
              value={{ ...s, ...pending }}
              legend={channel ? t('msgr.channelSettings') : t('msgr.settings')}
              creator={creator}
              channel={channel}
              onChange={(change) => void changeSettings(change)}
            />
          </>
        ) : null}
        {group || channel ? <ChatAutoDelete store={store} chat={c} /> : null}
        <ClearHistory store={store} chatId={chatId} />
        {c.kind !== cpb.ChatKind.CHAT_KIND_DIRECT ? (
          leaving ? (
            <div class="row-actions confirm-leave" role="alert">
              <span>{t('msgr.leaveConfirm')}</span>
              <button type="button" class="ghost" onClick={() => setLeaving(false)}>
                {t('common.cancel')}
              </button>
              <button
                type="button"
                class="danger"
                id="leave-chat-confirm"
                onClick={async () => {
                  const r = await store.run(() => store.chat.request({ leaveChat: { chatId } }));
                  if (!r) return;
                  store.sheet.value = null;
                  store.selected.value = null;
                }}
              >
                {t('msgr.leave')}
              </button>
            </div>
          ) : (
            <button type="button" class="danger wide" id="leave-chat" onClick={() => setLeaving(true)}>
              <LogOut aria-hidden="true" /> {t('msgr.leave')}
            </button>
          )
        ) : null}
      </div>
    </Sheet>
  );
}
