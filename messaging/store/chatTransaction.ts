// A transaction that takes a chat row's lock, one per chat at a time on this
// host. Every change to a chat waits for that lock; if each waiter held a
// pooled connection while it waited, one busy chat (a school-wide chat
// during a burst, on a loaded host whose lock holder waits for the event
// loop between statements) would take every connection of the pool, and
// every other request of the messenger (sign-ins, other chats) would wait
// for one and fail as "unavailable". So a chat's changes on this host queue
// here, without a connection; only the one at the head takes a connection
// and the row lock (other hosts still order themselves by the lock). Past
// QUEUED_MAX changes waiting for one chat, a change is refused at once.
import { type Postgres, type PostgresClient, inTransaction } from '../../common/postgres/connect.js';
import { ChatError, ChatErrorCode } from '../errors.js';

/** Changes of one chat waiting on this host before new ones are refused. */
export const QUEUED_MAX = 500;

interface Queue {
  tail: Promise<unknown>;
  length: number;
}

const queuesByPool = new WeakMap<Postgres, Map<string, Queue>>();

/** `fn` in one transaction, after this host's earlier changes of `chatId` (see above). */
export async function inChatTransaction<T>(
  db: Postgres,
  chatId: string,
  fn: (client: PostgresClient) => Promise<T>,
): Promise<T> {
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
  const run = () => inTransaction(db, fn);
  const mine = queue.tail.then(run, run);
  queue.tail = mine.catch(() => undefined);
  try {
    return await mine;
  } finally {
    queue.length--;
    if (queue.length === 0) queues.delete(chatId);
  }
}
