// Web Push in a messenger load test: a real push service on loopback (the
// tests' HTTPS one, which the messenger in its own process trusts through
// NODE_EXTRA_CA_CERTS), one subscribed browser per member, and afterwards
// each push decrypted as the browser would, its load message's send time
// ("t:<ms>") against the time the push service received it.
import pg from 'pg';
import { type LocalPushService, type PushBrowser, startPushService } from '../test/helpers/pushService.js';
import { Samples, pct } from './chatStack.js';

export interface PushFigures {
  received: number;
  /** Pushes received per second from the first send until the queue drained. */
  perSecond: number;
  /** Send -> the push service received it (ms, sorted). */
  latencies: Float64Array;
  /** The same browser told of the same message twice. */
  duplicates: number;
  /** The server's counter by result (sent, failed, replaced, dropped, …). */
  counted: Record<string, number>;
  /** Seconds from the first send until the server's queue was empty. */
  drainedAfter: number;
}

export class PushLoad {
  private readonly browsers = new Map<string, PushBrowser>();

  private constructor(readonly service: LocalPushService) {}

  static async start(): Promise<PushLoad> {
    return new PushLoad(await startPushService());
  }

  /** What the messenger needs to post to this push service. */
  get env(): Record<string, string> {
    return { PUSH_SERVICE_HOSTS: this.service.host, NODE_EXTRA_CA_CERTS: this.service.certPath };
  }

  /**
   * One browser for each of these people, saved as the messenger saves a
   * subscription (savePushSubscription writes this row); straight into
   * PostgreSQL, since most of them never connect in the run.
   */
  async subscribe(databaseUrl: string, userIds: string[]): Promise<void> {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      for (let i = 0; i < userIds.length; i += 500) {
        const rows = userIds.slice(i, i + 500).map((userId) => {
          const b = this.service.browser(userId);
          this.browsers.set(b.path, b);
          return [b.endpoint, userId, b.p256dh, b.auth];
        });
        const values = rows
          .map((_, j) => `($${4 * j + 1}, $${4 * j + 2}, $${4 * j + 3}, $${4 * j + 4}, ${Date.now()})`)
          .join(', ');
        await db.query(
          `INSERT INTO notifications.subscription (endpoint, user_id, p256dh, auth, created_at) VALUES ${values}`,
          rows.flat(),
        );
      }
    } finally {
      await db.end();
    }
  }

  /** The messenger's push counter, by result. */
  static async counted(httpUrl: string): Promise<Record<string, number>> {
    const text = await (await fetch(`${httpUrl}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^school_call_push_notifications_total\{result="(\w+)"\} (\d+)/gm)) {
      out[m[1]!] = Number(m[2]);
    }
    return out;
  }

  /** Waits until the server's push counter stops moving (its queue drained), at most `timeoutMs`. */
  static async drained(httpUrl: string, timeoutMs: number): Promise<Record<string, number>> {
    const end = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const c = await PushLoad.counted(httpUrl);
      const key = JSON.stringify(c);
      if (key === last || Date.now() > end) return c;
      last = key;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  figures(startedAt: number, counted: Record<string, number>, drainedAt: number): PushFigures {
    const latencies = new Samples();
    const seen = new Set<string>();
    let duplicates = 0;
    for (const p of this.service.all) {
      const b = this.browsers.get(p.path);
      if (!b) continue;
      const payload = b.decrypt(p.body) as { seq: number; text: string };
      const key = `${p.path} ${payload.seq}`;
      if (seen.has(key)) duplicates++;
      seen.add(key);
      const sentAt = Number(/^t:([\d.]+)/.exec(payload.text)?.[1]);
      if (Number.isFinite(sentAt)) latencies.push(p.at - sentAt);
    }
    const received = this.service.all.length;
    const drainedAfter = (drainedAt - startedAt) / 1000;
    return {
      received,
      perSecond: received / Math.max(drainedAfter, 0.001),
      latencies: latencies.sorted(),
      duplicates,
      counted,
      drainedAfter,
    };
  }

  static lines(f: PushFigures, browsers: number, messages: number): string[] {
    const c = f.counted;
    const n = (k: string) => c[k] ?? 0;
    return [
      `push: ${browsers} browsers subscribed, ${browsers * messages} notifications asked for; ` +
        `received ${f.received} (${f.perSecond.toFixed(0)}/s until the queue drained ${f.drainedAfter.toFixed(1)} s after the first send), duplicates ${f.duplicates}`,
      `push send -> push service p50 ${pct(f.latencies, 50).toFixed(0)} ms, p99 ${pct(f.latencies, 99).toFixed(0)} ms, max ${pct(f.latencies, 100).toFixed(0)} ms`,
      `push server counts       sent ${n('sent')}, failed ${n('failed')}, gone ${n('gone')}, replaced by a newer one of the chat ${n('replaced')}, dropped (queue full) ${n('dropped')}`,
    ];
  }

  async close(): Promise<void> {
    await this.service.close();
  }
}
