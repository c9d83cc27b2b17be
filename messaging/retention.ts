// Retention: in the background, each chat under a policy (store/retentionStore.ts)
// loses its messages older than the period, in batches of BATCH, each batch
// its own short transaction with a pause after it, so sends to the chat (which
// wait for no lock the batch holds but the rows it removes) keep their latency.
// Every host runs it; batches skip rows another host is removing. The
// default policy keeps everything. What it removed is counted in metrics,
// and each batch is told to the chat's followers (one range, bus.ts 'ex'), so
// an open chat drops the messages without a reload.
import type { Logger } from '../common/log.js';
import type { RemovedBatch, RetentionPolicy, RetentionStore } from './store/retentionStore.js';

export const DAY_MS = 86_400_000;
/** The periods a school admin chooses from (days); null: keep everything. */
export const RETENTION_CHOICES = [null, 30, 90, 180, 365, 730, 1095, 1825] as const;

/** The periods a chat's admins choose from (days): a day, a week, a month, a year. */
export const CHAT_RETENTION_CHOICES = [1, 7, 30, 365] as const;

/** The chat periods a school's policy allows: none longer than its own, none if it refuses chats theirs. */
export function chatChoices(school: RetentionPolicy): number[] {
  if (!school.chatsMayShorten) return [];
  return CHAT_RETENTION_CHOICES.filter((d) => school.days === null || d <= school.days);
}

/** The period that applies to a chat: the stricter of its own and its school's (null: none). */
export function effectiveDays(chatDays: number | null, school: RetentionPolicy): number | null {
  const own = school.chatsMayShorten ? chatDays : null;
  if (own === null) return school.days;
  return school.days === null ? own : Math.min(own, school.days);
}

export interface RetentionOptions {
  /** Messages per transaction. */
  batch: number;
  /** Pause between batches (ms), so the removal yields to sends. */
  pauseMs: number;
}

export const DEFAULT_RETENTION: RetentionOptions = { batch: 500, pauseMs: 20 };

/** A policy from the admin screen, checked (one of the offered periods); null when it is not one. */
export function checkPolicy(body: unknown): RetentionPolicy | null {
  const b = (body ?? {}) as { days?: unknown; chatsMayShorten?: unknown };
  const days = b.days === undefined ? null : b.days;
  if (!(RETENTION_CHOICES as readonly unknown[]).includes(days) || typeof b.chatsMayShorten !== 'boolean')
    return null;
  return { days: days as number | null, chatsMayShorten: b.chatsMayShorten };
}

export class RetentionJob {
  private running: Promise<number> | null = null;

  constructor(
    private readonly store: RetentionStore,
    /** Removes the bytes of files whose last hold went (FileRecords.released). */
    private readonly released: (fileIds: string[]) => Promise<void>,
    /** Tells the chat's followers its messages up to a seq went, and the unread count then (after the batch's commit). */
    private readonly expired: (chatId: string, batch: RemovedBatch) => Promise<void>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly options: RetentionOptions = DEFAULT_RETENTION,
    /** Told of every batch (metrics, the load test). */
    private readonly counted: (removed: number) => void = () => {},
  ) {}

  /** One pass over every chat under a policy; resolves with how many messages went. */
  runOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = this.now();
    let total = 0;
    for (const { chatId, days } of await this.store.chatsUnderPolicy()) {
      const cutoff = now - days * DAY_MS;
      for (;;) {
        const batch = await this.store.removeBatch(chatId, cutoff, this.options.batch);
        const { removed, fileIds } = batch;
        if (removed) await this.expired(chatId, batch);
        if (fileIds.length) await this.released(fileIds);
        total += removed;
        if (removed) this.counted(removed);
        if (removed < this.options.batch) break;
        await new Promise((r) => setTimeout(r, this.options.pauseMs));
      }
    }
    if (total) this.log.info({ removed: total }, 'retention removed old messages');
    return total;
  }

  /** Runs a pass every `everyMs`; returns the stop. */
  start(everyMs: number): () => void {
    const timer = setInterval(
      () => void this.runOnce().catch((err: unknown) => this.log.error({ err }, 'retention pass failed')),
      everyMs,
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}
