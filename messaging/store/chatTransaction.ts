// A change that takes a chat row's lock (a transaction, or a send's one
// statement), one per chat at a time on this host. Every change to a chat
// waits for that lock; if each waiter held a pooled connection while it
// waited, one busy chat (a school-wide chat during a burst, on a loaded host
// whose lock holder waits for the event loop between statements) would take
// every connection of the pool, and
// every other request of the messenger (sign-ins, other chats) would wait
// for one and fail as "unavailable". So a chat's changes on this host queue
// here, without a connection; only the one at the head takes a connection
// and the row lock (other hosts still order themselves by the lock). Past
// QUEUED_MAX changes waiting for one chat, a change is refused at once; one
// that waited QUEUE_WAIT_MS for its turn is refused then.
import { type Postgres, type PostgresClient, inTransaction } from '../../common/postgres/connect.js';
import { ChatError, ChatErrorCode } from '../errors.js';

/** Changes of one chat waiting on this host before new ones are refused. */
export const QUEUED_MAX = 500;

/**
 * How long a change may wait for its turn before it is refused ("try
 * again", nothing stored): the bound a change had when it waited for a
 * pooled connection instead (the pool's 5 s), so an answer comes well
 * within a client's 15 s request timeout, not after it gave up.
 */
export const QUEUE_WAIT_MS = 5_000;

interface Queue {
  tail: Promise<unknown>;
  length: number;
}

const queuesByPool = new WeakMap<Postgres, Map<string, Queue>>();

/** `fn` in one transaction, after this host's earlier changes of `chatId` (see above). */
export function inChatTransaction<T>(
  db: Postgres,
  chatId: string,
  fn: (client: PostgresClient) => Promise<T>,
): Promise<T> {
  return inChatQueue(db, chatId, () => inTransaction(db, fn));
}

/**
 * `run` (a change of `chatId` that takes a pooled connection and the chat's
 * row lock: a transaction, or one statement that locks the row itself) after
 * this host's earlier changes of that chat.
 */
export async function inChatQueue<T>(db: Postgres, chatId: string, run: () => Promise<T>): Promise<T> {
  let queues = queuesByPool.get(db);
  if (!queues) {
    queues = new Map();
    queuesByPool.set(db, queues);
  }
  const queue = queues.get(chatId) ?? { tail: Promise.resolve(), length: 0 };
  if (queue.length >= QUEUED_MAX) {
    throw new ChatError(ChatErrorCode.CHAT_ERROR_RATE_LIMITED, 'this chat is too busy right now; try again');
  }
  queue.length++;
  queues.set(chatId, queue);
  const queuedAt = performance.now();
  const start = () => {
    if (performance.now() - queuedAt > QUEUE_WAIT_MS)
      throw new ChatError(ChatErrorCode.CHAT_ERROR_UNAVAILABLE, 'this chat is too busy right now; try again');
    return run();
  };
  const mine = queue.tail.then(start, start);
  queue.tail = mine.catch(() => undefined);
  try {
    return await mine;
  } finally {
    queue.length--;
    if (queue.length === 0) queues.delete(chatId);
  }
}
