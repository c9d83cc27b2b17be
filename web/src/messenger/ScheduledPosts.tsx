// «Запланированные»: a chat's posts waiting to be sent at their time. The
// author sees theirs, the chat's admins everyone's (with the author's name);
// the author changes the time and the words, an admin only the time (the
// post goes out in its author's name), either cancels it. The server
// decides each (messaging/scheduledPosts.ts); the list is asked again when
// the chat opens, after a change of ours, and when a post of someone listed
// arrives (it may be one of them, sent).
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { dayTime, localInput } from '../chat/format.js';
import { t } from '../i18n/index.js';
import { Dialog } from '../kit/Dialog.js';
import { CalendarClock } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import type { MessengerStore, cpb } from './messengerStore.js';

/** The scheduled posts this person may see, by chat. */
const lists = signal<ReadonlyMap<string, cpb.IScheduledPost[]>>(new Map());

export async function loadScheduled(store: MessengerStore, chatId: string): Promise<void> {
  const r = await store.run(() => store.chat.request({ listScheduled: { chatId } }));
  if (!r) return;
  lists.value = new Map(lists.value).set(chatId, r.scheduledList?.posts ?? []);
}

/** «Отправить позже» from the composer: posts the text at `at`; the list shows it. */
export async function schedulePost(
  store: MessengerStore,
  chatId: string,
  text: string,
  at: number,
): Promise<boolean> {
  const r = await store.run(() => store.chat.request({ schedulePost: { chatId, text, sendAt: at } }));
  if (!r?.scheduled) return false;
  store.say(t('sched.done', { when: dayTime(r.scheduled.sendAt) }), 'done');
  await loadScheduled(store, chatId);
  return true;
}

/** The chat's button to its list, shown while something is scheduled. */
export function ScheduledButton({ store, chat }: { store: MessengerStore; chat: cpb.IChat }) {
  const chatId = chat.chatId ?? '';
  const [open, setOpen] = useState(false);
  const posts = lists.value.get(chatId) ?? [];
  const last = chat.lastMessage;
  const senders = new Set(posts.map((p) => p.senderId));
  // A message from someone with a post listed may be that post, sent: ask again.
  const stale = !!last && senders.has(last.senderId ?? '') ? last.seq : 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: asked again when the chat opens or a listed author's message arrives
  useEffect(() => {
    void loadScheduled(store, chatId);
  }, [chatId, stale]);
  if (!posts.length && !open) return null;
  return (
    <>
      <button type="button" class="ghost scheduled-open" onClick={() => setOpen(true)}>
        <CalendarClock aria-hidden="true" /> {t('sched.button', { count: posts.length })}
      </button>
      {open ? (
        <Dialog id="scheduled" title={t('sched.title')} onClose={() => setOpen(false)} wide>
          <ScheduledList store={store} chat={chat} posts={posts} />
        </Dialog>
      ) : null}
    </>
  );
}

function ScheduledList({
  store,
  chat,
  posts,
}: { store: MessengerStore; chat: cpb.IChat; posts: cpb.IScheduledPost[] }) {
  if (!posts.length) return <p class="empty">{t('sched.empty')}</p>;
  return (
    <ul class="scheduled-list">
      {posts.map((p) => (
        <ScheduledItem key={p.id} store={store} chat={chat} post={p} />
      ))}
    </ul>
  );
}

function ScheduledItem({
  store,
  chat,
  post,
}: { store: MessengerStore; chat: cpb.IChat; post: cpb.IScheduledPost }) {
  const chatId = chat.chatId ?? '';
  const mine = post.senderId === store.me.value?.userId;
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(post.text ?? '');
  const [when, setWhen] = useState(localInput(post.sendAt ?? Date.now()));
  const [problem, setProblem] = useState('');
  const save = async () => {
    const sendAt = new Date(when).getTime();
    if (!(sendAt > Date.now())) {
      setProblem(t('chat.later.past'));
      return;
    }
    // An admin changes only the time of someone else's post.
    const change = mine ? { text: text.trim(), sendAt } : { sendAt };
    const r = await store.run(() =>
      store.chat.request({ updateScheduled: { chatId, id: post.id, ...change } }),
    );
    if (!r) return;
    setEditing(false);
    await loadScheduled(store, chatId);
  };
  const cancel = async () => {
    if (await store.run(() => store.chat.request({ cancelScheduled: { chatId, id: post.id } }))) {
      await loadScheduled(store, chatId);
    }
  };
  const fieldId = `sched-${post.id}`;
  return (
    <li class="scheduled-item" data-post={post.id}>
      <p class="scheduled-meta">
        <CalendarClock aria-hidden="true" class="meta-icon" /> <time>{dayTime(post.sendAt)}</time>
        {mine ? null : (
          <span class="scheduled-author">{t('sched.author', { name: post.senderName ?? '' })}</span>
        )}
      </p>
      {editing ? (
        <form
          class="scheduled-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {mine ? (
            <label class="field">
              <span>{t('sched.text')}</span>
              <textarea
                id={`${fieldId}-text`}
                rows={3}
                value={text}
                onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
              />
            </label>
          ) : (
            <>
              <p {...userText('scheduled-text')}>{post.text}</p>
              <small>{t('sched.authorOnly')}</small>
            </>
          )}
          <label class="field">
            <span>{t('chat.later.when')}</span>
            <input
              type="datetime-local"
              id={`${fieldId}-when`}
              value={when}
              onInput={(e) => {
                setWhen((e.target as HTMLInputElement).value);
                setProblem('');
              }}
            />
          </label>
          {problem ? (
            <p class="form-problem" role="alert">
              {problem}
            </p>
          ) : null}
          <div class="dialog-actions">
            <button type="button" class="ghost" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" class="primary" disabled={mine && !text.trim()}>
              {t('chat.save')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <p {...userText('scheduled-text')}>{post.text}</p>
          <div class="dialog-actions">
            <button type="button" onClick={() => setEditing(true)}>
              {t('sched.edit')}
            </button>
            <button type="button" class="danger" onClick={() => void cancel()}>
              {t('sched.cancel')}
            </button>
          </div>
        </>
      )}
    </li>
  );
}
