// Signed-in sessions, server-side in Redis (shared by every host): the
// browser holds only a random id in an HttpOnly cookie; Redis holds
// who it is, the CSRF token, and what "Мои устройства" shows. Redis keys
// use a hash of the id, so a copy of Redis does not hand out live sessions,
// and the hash is also the public id a person ends a session by. Each
// person has an index of their sessions, so signing out everywhere and
// deactivation end all of them at once.
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const P = 'school-call:acct';
const key = (hash: string) => `${P}:session:${hash}`;
const personKey = (personId: string) => `${P}:person:${personId}:sessions`;
/** Last-seen times are written at most this often per session. */
const TOUCH_EVERY_MS = 5 * 60_000;

export interface Session {
  /** The public id: a hash of the cookie's value. */
  id: string;
  personId: string;
  schoolId: string;
  csrf: string;
  method: string;
  createdAt: number;
  seenAt: number;
  ip: string;
  agent: string;
}

export function sessionHash(cookieValue: string): string {
  return createHash('sha256').update(cookieValue).digest('base64url');
}

export class Sessions {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {}

  /** A new session; returns the cookie value (never stored) and the session. */
  async create(
    who: { personId: string; schoolId: string; method: string },
    client: { ip: string; agent: string },
  ): Promise<{ cookie: string; session: Session }> {
    const cookie = randomBytes(32).toString('base64url');
    const now = Date.now();
    const session: Session = {
      id: sessionHash(cookie),
      ...who,
      csrf: randomBytes(24).toString('base64url'),
      createdAt: now,
      seenAt: now,
      ip: client.ip.slice(0, 64),
      agent: client.agent.slice(0, 256),
    };
    await this.redis
      .multi()
      .hset(key(session.id), flatten(session))
      .expire(key(session.id), this.ttlSeconds)
      .sadd(personKey(who.personId), session.id)
      .expire(personKey(who.personId), this.ttlSeconds)
      .exec();
    return { cookie, session };
  }

  /** The session a cookie names, refreshed (its lifetime starts again) at most every few minutes. */
  async fromCookie(cookie: string): Promise<Session | null> {
    if (!cookie || cookie.length > 128) return null;
    const id = sessionHash(cookie);
    const s = await this.byId(id);
    if (s && Date.now() - s.seenAt > TOUCH_EVERY_MS) {
      s.seenAt = Date.now();
      await this.redis
        .multi()
        .hset(key(id), 'seenAt', String(s.seenAt))
        .expire(key(id), this.ttlSeconds)
        .expire(personKey(s.personId), this.ttlSeconds)
        .exec();
    }
    return s;
  }

  async byId(id: string): Promise<Session | null> {
    const h = await this.redis.hgetall(key(id));
    if (!h.personId) return null;
    return {
      id,
      personId: h.personId,
      schoolId: h.schoolId ?? '',
      csrf: h.csrf ?? '',
      method: h.method ?? '',
      createdAt: Number(h.createdAt),
      seenAt: Number(h.seenAt),
      ip: h.ip ?? '',
      agent: h.agent ?? '',
    };
  }

  /** Whether these sessions still exist (one round trip), for token checks. */
  async alive(ids: string[]): Promise<boolean[]> {
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.exists(key(id));
    const out = (await pipe.exec()) ?? [];
    return out.map(([err, n]) => !err && n === 1);
  }

  /** A person's sessions, newest first; ids whose session expired are dropped from the index. */
  async list(personId: string): Promise<Session[]> {
    const ids = await this.redis.smembers(personKey(personId));
    const found = await Promise.all(ids.map((id) => this.byId(id)));
    const gone = ids.filter((_, i) => !found[i]);
    if (gone.length) await this.redis.srem(personKey(personId), ...gone);
    return found.filter((s): s is Session => s !== null).sort((a, b) => b.seenAt - a.seenAt);
  }

  /** Ends one session of a person; false if it was not theirs (or is gone). */
  async end(personId: string, id: string): Promise<boolean> {
    const s = await this.byId(id);
    if (!s || s.personId !== personId) return false;
    await this.redis.multi().del(key(id)).srem(personKey(personId), id).exec();
    return true;
  }

  /** Ends every session of a person (but `except`); returns the ids ended. */
  async endAll(personId: string, except?: string): Promise<string[]> {
    const ids = (await this.redis.smembers(personKey(personId))).filter((id) => id !== except);
    if (ids.length === 0) return [];
    await this.redis
      .multi()
      .del(...ids.map(key))
      .srem(personKey(personId), ...ids)
      .exec();
    return ids;
  }
}

function flatten(s: Session): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) if (k !== 'id') out[k] = String(v);
  return out;
}
