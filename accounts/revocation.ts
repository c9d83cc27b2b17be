// Cutting people off at once, on every host. Deactivated people are kept in
// a Redis set (a mirror of the accounts store, rebuilt at start) that every
// token check reads together with whether the token's session still exists;
// a cut-off (sign-out, "end all sessions", deactivation) is published, and
// each host closes the chat and call connections it holds for that person
// or session.
import type { Redis } from 'ioredis';
import type { Logger } from '../common/log.js';
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

  async revoked(subject: string, sessionId: string | null): Promise<boolean> {
    const [deactivated, alive] = await Promise.all([
      this.redis.sismember(DEACTIVATED, subject),
      sessionId ? this.sessions.alive([sessionId]) : Promise.resolve([true]),
    ]);
    return deactivated === 1 || !alive[0];
  }

  async setDeactivated(personId: string, deactivated: boolean): Promise<void> {
    if (deactivated) await this.redis.sadd(DEACTIVATED, personId);
    else await this.redis.srem(DEACTIVATED, personId);
  }

  /** The set brought in line with the store (at start: the store is the record) for the people it knows. */
  async rebuild(deactivated: string[], active: string[]): Promise<void> {
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
    const sub = this.redis.duplicate();
    this.sub = sub;
    sub.on('error', (err) => this.log.warn({ err }, 'cut-off subscription error'));
    sub.on('message', (_channel: string, payload: string) => {
      let c: CutOff;
      try {
        c = JSON.parse(payload) as CutOff;
      } catch {
        return;
      }
      if (typeof c?.personId !== 'string') return;
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
