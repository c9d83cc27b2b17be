// Cutting people off at once, on every host. Deactivated people are kept in
// a Redis set (a mirror of the accounts store, rebuilt at start) that every
// token check reads together with whether the token's session still exists;
// a cut-off (sign-out, "end all sessions", deactivation) is published, and
// each host closes the chat and call connections it holds for that person
// or session.
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
import { openSubscriberLike } from '../signaling/redisClients.js';
import type { TokenRevocation } from '../signaling/tokenRevocation.js';
import type { Sessions } from './sessions.js';

const DEACTIVATED = 'school-call:acct:deactivated';
const CHANNEL = 'school-call:acct:cut-off';

/** Whom to cut off: a person's every connection, or those of some of their sessions. */
export interface CutOff {
  personId: string;
  /** Absent: all of the person's connections. */
  sessionIds?: string[];
}

export type CutOffListener = (c: CutOff) => void;

export class Revocations implements TokenRevocation {
  private readonly listeners: CutOffListener[] = [];
  private sub: Redis | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly sessions: Sessions,
    private readonly log: Logger,
  ) {}

  /**
   * What this host last knew, for when Redis does not answer: a lesson running
   * here goes on through a Redis outage (a reconnect checks its token too), so
   * the check falls back to the people deactivated and the sessions cut off
   * that this host has heard of, instead of refusing everyone.
   */
  private readonly knownDeactivated = new Set<string>();
  private readonly knownCutSessions = new Set<string>();
  private lastFallbackLog = 0;

  async revoked(subject: string, sessionId: string | null): Promise<boolean> {
    try {
      const [deactivated, alive] = await Promise.all([
        this.redis.sismember(DEACTIVATED, subject),
        sessionId ? this.sessions.alive([sessionId]) : Promise.resolve([true]),
      ]);
      return deactivated === 1 || !alive[0];
    } catch (err) {
      if (Date.now() - this.lastFallbackLog > 10_000) {
        this.lastFallbackLog = Date.now();
        this.log.warn({ err }, 'token revocation answered from what this host knows (Redis does not answer)');
      }
      return (
        this.knownDeactivated.has(subject) || (sessionId !== null && this.knownCutSessions.has(sessionId))
      );
    }
  }

  async setDeactivated(personId: string, deactivated: boolean): Promise<void> {
    if (deactivated) this.knownDeactivated.add(personId);
    else this.knownDeactivated.delete(personId);
    if (deactivated) await this.redis.sadd(DEACTIVATED, personId);
    else await this.redis.srem(DEACTIVATED, personId);
  }

  /** The set brought in line with the store (at start: the store is the record) for the people it knows. */
  async rebuild(deactivated: string[], active: string[]): Promise<void> {
    for (const id of deactivated) this.knownDeactivated.add(id);
    for (const id of active) this.knownDeactivated.delete(id);
    const multi = this.redis.multi();
    if (deactivated.length) multi.sadd(DEACTIVATED, ...deactivated);
    if (active.length) multi.srem(DEACTIVATED, ...active);
    await multi.exec();
  }

  /** Tells every host (this one too) to close these connections. */
  async cutOff(c: CutOff): Promise<void> {
    await this.redis.publish(CHANNEL, JSON.stringify(c));
  }

  onCutOff(listener: CutOffListener): void {
    this.listeners.push(listener);
  }

  async listen(): Promise<void> {
    // Opened like every Redis connection of the server (redisClients.ts); outages are logged there.
    const sub = openSubscriberLike(this.redis, 'accounts-cut-offs', this.log);
    this.sub = sub;
    sub.on('message', (_channel: string, payload: string) => {
      let c: CutOff;
      try {
        c = JSON.parse(payload) as CutOff;
      } catch {
        return;
      }
      if (typeof c?.personId !== 'string') return;
      for (const id of Array.isArray(c.sessionIds) ? c.sessionIds : []) {
        this.knownCutSessions.add(String(id));
        // Sessions end within days anyway: keep the newest, a bounded number.
        if (this.knownCutSessions.size > 50_000)
          this.knownCutSessions.delete(this.knownCutSessions.values().next().value!);
      }
      for (const l of this.listeners) {
        try {
          l(c);
        } catch (err) {
          this.log.error({ err }, 'cut-off listener failed');
        }
      }
    });
    await sub.subscribe(CHANNEL);
  }

  close(): void {
    this.sub?.disconnect();
  }
}

/** Whether a connection of `personId` (made from session `sessionId`) is among those cut off. */
export function isCutOff(c: CutOff, personId: string, sessionId: string | undefined): boolean {
  if (c.personId !== personId) return false;
  return !c.sessionIds || (sessionId !== undefined && c.sessionIds.includes(sessionId));
}
