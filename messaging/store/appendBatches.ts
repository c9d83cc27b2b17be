// Group commit for one chat's sends on this host. Each turn of a chat's queue
// (chatTransaction.ts) is a round trip to PostgreSQL and a commit; in a busy
// chat (a school-wide announcement chat, 50 sends a second) one send per turn
// bounded the chat's rate by that round trip and queued the rest for seconds.
// Sends that arrive while a turn is waiting or running join the next turn
// together, so one turn stores all of them (messageStore.ts decides how).
// Arrival order is kept: a turn takes its sends in the order they came.
import type { Postgres } from '../../common/postgres/connect.js';
import { ChatError, ChatErrorCode } from '../errors.js';
import { inChatQueue } from './chatTransaction.js';

/** Sends of one chat waiting on this host for the next turn before new ones are refused. */
export const WAITING_MAX = 500;

interface Waiting<J, R> {
  job: J;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

export class AppendBatches<J, R> {
  /** The sends of each chat that the next turn (already in the queue) will take. */
  private readonly next = new Map<string, Waiting<J, R>[]>();

  constructor(
    private readonly db: Postgres,
    /** Settles every job of one turn; a rejection rejects those it did not settle. */
    private readonly runTurn: (chatId: string, jobs: Waiting<J, R>[]) => Promise<void>,
  ) {}

  add(chatId: string, job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting = this.next.get(chatId);
      if (waiting) {
        if (waiting.length >= WAITING_MAX) {
          reject(
            new ChatError(
              ChatErrorCode.CHAT_ERROR_RATE_LIMITED,
              'this chat is too busy right now; try again',
            ),
          );
          return;
        }
        waiting.push({ job, resolve, reject });
        return;
      }
      const turn: Waiting<J, R>[] = [{ job, resolve, reject }];
      this.next.set(chatId, turn);
      const close = () => {
        // From now on new sends wait for the turn after this one.
        if (this.next.get(chatId) === turn) this.next.delete(chatId);
      };
      inChatQueue(this.db, chatId, () => {
        close();
        return this.runTurn(chatId, turn);
      }).catch((err) => {
        // Refused in the queue (waited too long) or the turn failed: every
        // send of the turn it has not answered gets the error.
        close();
        for (const w of turn) w.reject(err);
      });
    });
  }
}

export type { Waiting };
