// Bots' webhook deliveries kept in PostgreSQL (messaging.bot_delivery), so a
// delivery waiting for a retry survives a restart. Every host polls for due
// ones and claims a few with FOR UPDATE SKIP LOCKED, moving their next try
// past the try's timeout in the same statement: two hosts never send the same
// delivery at once. Delivery is at least once (a host that dies mid-try leaves
// it to be tried again), so each carries an id the bot de-duplicates by.
// Whether the bot still wants it (enabled, a URL, the chat still its own) is
// read at each try, so a chat taken away gets nothing more.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/log.js';
import type { Postgres } from '../common/postgres/connect.js';
import type { WebhookSettings } from './config.js';
import { type DeliveryResult, WebhookSender } from './webhooks.js';

/** Deliveries one host claims at a time. */
const BATCH = 20;
/** The longest wait between two tries, however many came before. */
const MAX_WAIT_MS = 10 * 60_000;

interface Claimed {
  id: string;
  chat: string;
  body: string;
  attempts: number;
  url: string;
  secret: string;
  wanted: boolean;
}

export class WebhookQueue {
  private readonly sender: WebhookSender;
  private timer: ReturnType<typeof setInterval> | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Postgres,
    private readonly settings: WebhookSettings,
    private readonly log: Logger,
    private readonly counted: (result: DeliveryResult) => void,
  ) {
    this.sender = new WebhookSender(settings);
  }

  /** Keeps a delivery for the bot and starts trying it; the body gets the delivery's id. */
  async enqueue(bot: string, chat: string, payload: Record<string, unknown>): Promise<string> {
    const id = `d-${randomBytes(12).toString('base64url')}`;
    const now = Date.now();
    await this.db.query(
      `INSERT INTO messaging.bot_delivery (id, bot, chat_id, body, next_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [id, bot, chat, JSON.stringify({ delivery: id, ...payload }), now],
    );
    this.kick();
    return id;
  }

  /** Polls for due deliveries (every host, each at the pace of the first retry, at most a second apart). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), Math.min(this.settings.firstRetryMs, 1000));
    this.timer.unref?.();
    this.kick();
  }

  /** Stops polling and waits for the tries under way; what is left stays for the next start. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.ticking) await this.ticking;
  }

  /** Resolves when nothing is due and no try is under way on this host (tests). */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  private kick(): void {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: unknown) => this.log.warn({ err }, 'webhook deliveries not tried'))
      .finally(() => {
        this.ticking = null;
        if (this.again && this.timer) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async tick(): Promise<void> {
    for (;;) {
      this.again = false;
      const claimed = await this.claim();
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((d) => this.attempt(d)));
      if (claimed.length < BATCH && !this.again) return;
    }
  }

  /** Due deliveries, taken for one try: their next try moves past this one's timeout. */
  private async claim(): Promise<Claimed[]> {
    const now = Date.now();
    const r = await this.db.query<Claimed>(
      `WITH due AS (
         SELECT id FROM messaging.bot_delivery WHERE next_at <= $1
         ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE messaging.bot_delivery d SET attempts = d.attempts + 1, next_at = $3
       FROM due, messaging.bot b
       WHERE d.id = due.id AND b.id = d.bot
       RETURNING d.id, d.chat_id AS chat, d.body, d.attempts, b.webhook_url AS url, b.secret,
         (NOT b.disabled AND b.webhook_url <> '' AND d.chat_id = ANY(b.chats)) AS wanted`,
      [now, BATCH, now + this.settings.timeoutMs + 5000],
    );
    return r.rows;
  }

  private async attempt(d: Claimed): Promise<void> {
    if (!d.wanted) return this.finish(d, 'dropped');
    const outcome = await this.sender.attempt({ url: d.url, secret: d.secret }, d.id, d.body);
    if (outcome === 'ok') return this.finish(d, 'delivered');
    if (outcome === 'refused') return this.finish(d, 'refused');
    this.log.info({ attempt: d.attempts, url: d.url, outcome }, 'webhook try failed');
    if (d.attempts >= this.settings.tries) return this.finish(d, 'failed');
    const wait = Math.min(this.settings.firstRetryMs * 2 ** (d.attempts - 1), MAX_WAIT_MS);
    await this.db.query('UPDATE messaging.bot_delivery SET next_at = $2 WHERE id = $1', [
      d.id,
      Date.now() + wait,
    ]);
  }

  private async finish(d: Claimed, result: DeliveryResult): Promise<void> {
    await this.db.query('DELETE FROM messaging.bot_delivery WHERE id = $1', [d.id]);
    this.counted(result);
  }
}
