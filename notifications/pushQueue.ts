// Pushes waiting for their push service, sent a few at a time. A message to a
// chat of thousands hands the queue one push per browser and returns at once,
// so the messenger's event loop keeps delivering to sockets while the pushes
// (each an ECDH, an encryption and an HTTPS request) go out behind it.
//
// Bounded: a browser holds at most one waiting push per topic (a chat): a
// newer one takes its place, as the push service (RFC 8030 Topic) and the
// browser (one notification per chat, sw.js) would replace it anyway; counted
// as "replaced". When `max` pushes wait, a new one is refused and counted as
// "dropped" (and logged), never lost silently.
import type { PushMessage } from './pushSender.js';
import type { PushSubscriptionRecord } from './subscriptions.js';

export interface QueuedPush {
  to: PushSubscriptionRecord;
  message: PushMessage;
}

export type QueueOutcome = 'queued' | 'replaced' | 'dropped';

export interface PushQueueOptions {
  /** Sends one push; never rejects (the caller counts its outcome). */
  send: (p: QueuedPush) => Promise<void>;
  /** Pushes waiting at most. */
  max: number;
  /** Pushes on their way at once. */
  parallel: number;
}

export class PushQueue {
  private readonly waiting = new Map<string, QueuedPush>();
  private sending = 0;
  private untopical = 0;
  private idlers: (() => void)[] = [];

  constructor(private readonly o: PushQueueOptions) {}

  get length(): number {
    return this.waiting.size;
  }

  add(to: PushSubscriptionRecord, message: PushMessage): QueueOutcome {
    const key = message.topic ? `${to.endpoint}\n${message.topic}` : `${to.endpoint}\n#${this.untopical++}`;
    const held = this.waiting.get(key);
    if (held) {
      // Keeps its place in the line: a busy chat does not push a quiet one back.
      held.message = message;
      return 'replaced';
    }
    if (this.waiting.size >= this.o.max) return 'dropped';
    this.waiting.set(key, { to, message });
    this.pump();
    return 'queued';
  }

  /** Resolves when nothing waits and nothing is on its way. */
  idle(): Promise<void> {
    if (this.waiting.size === 0 && this.sending === 0) return Promise.resolve();
    return new Promise((r) => this.idlers.push(r));
  }

  private pump(): void {
    while (this.sending < this.o.parallel && this.waiting.size > 0) {
      const [key, p] = this.waiting.entries().next().value as [string, QueuedPush];
      this.waiting.delete(key);
      this.sending++;
      // Each start on its own turn of the event loop: the encryption of a
      // batch does not run in one block ahead of the sockets' I/O.
      setImmediate(() => {
        // `send` counts its own failures; a throw must not stop the queue.
        void this.o
          .send(p)
          .catch(() => undefined)
          .finally(() => {
            this.sending--;
            this.pump();
            if (this.sending === 0 && this.waiting.size === 0) {
              const idlers = this.idlers;
              this.idlers = [];
              for (const r of idlers) r();
            }
          });
      });
    }
  }
}
