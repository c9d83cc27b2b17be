// A chat's messages in order, with the way to older ones at the top. It
// follows new messages while the person is at the bottom and stays put while
// they read older ones (loading a page keeps what they were looking at in
// place). Used by the call's chat panel and by the messenger.
import { useLayoutEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { MessageItem } from './MessageItem.js';
import type { ThreadActions } from './actions.js';
import type { Msg } from './format.js';

export function Thread({
  messages,
  actions,
  label,
  hasOlder,
  older,
  olderId,
  empty,
}: {
  messages: Msg[];
  actions: ThreadActions;
  /** The list's accessible name (the chat's title). */
  label: string;
  /** Whether there are older messages to load. */
  hasOlder: boolean;
  older: () => Promise<unknown>;
  /** The id of the "older" button (tests, labels). */
  olderId?: string;
  /** Shown when the chat has no messages yet. */
  empty?: string;
}) {
  const scroller = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const lastSeq = messages.at(-1)?.seq ?? 0;
  // Follow new messages while the person is at the bottom, also when a page
  // arrives under a message that came live (the newest stays in view).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the newest message or the count changes
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lastSeq, messages.length]);
  const loadOlder = async () => {
    const el = scroller.current;
    const before = el ? el.scrollHeight - el.scrollTop : 0;
    await older();
    requestAnimationFrame(() => {
      if (el) el.scrollTop = el.scrollHeight - before;
    });
  };
  return (
    <ol
      class="messages"
      ref={scroller}
      aria-live="polite"
      aria-label={label}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
      }}
    >
      {hasOlder ? (
        <li class="older">
          <button type="button" class="ghost" id={olderId} onClick={() => void loadOlder()}>
            {t('chat.older')}
          </button>
        </li>
      ) : null}
      {messages.length === 0 && empty ? <li class="msg system">{empty}</li> : null}
      {messages.map((m) => (
        <MessageItem key={m.seq} m={m} actions={actions} />
      ))}
    </ol>
  );
}
