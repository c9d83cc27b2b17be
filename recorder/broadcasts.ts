// Public broadcasts by short code: whether each has started, is live or has
// ended, who is watching (viewers report in every few seconds from the
// viewer page, so the count also works behind a cache), the optional viewer
// password, and which recording plays once it has ended. Links outlive a
// restart: they are kept in a small JSON file next to the recordings (a
// broadcast that was live when the server stopped has ended; its recording
// is finished by RecordingStore.recover()).
import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { LiveWindow } from './liveWindow.js';

export type BroadcastState = 'not-started' | 'live' | 'ended';

export interface Broadcast {
  code: string;
  roomId: string;
  title: string;
  state: BroadcastState;
  live: LiveWindow | null;
  /** The recording its link plays after it has ended. */
  recordingId: string | null;
  passwordHash: Buffer | null;
  salt: Buffer;
  viewers: Map<string, number>;
}

interface StoredBroadcast {
  code: string;
  roomId: string;
  title: string;
  state: BroadcastState;
  recordingId: string | null;
  passwordHash: string | null;
  salt: string;
}

export interface BroadcastsOptions {
  /** Where links are kept across restarts; memory only without. */
  file?: string;
  /** Key of the viewer-password cookies; a fixed one keeps them valid across restarts. */
  secret?: Buffer;
}

/** Codes are 8 to 16 lowercase letters and digits. */
export const BROADCAST_CODE = /^[a-z0-9]{8,16}$/;
const VIEWER_ID = /^[A-Za-z0-9_-]{8,40}$/;

export function isViewerId(id: string): boolean {
  return VIEWER_ID.test(id);
}
/** A viewer who has not reported for this long has left. */
const VIEWER_TTL_MS = 30_000;
const MAX_VIEWERS_TRACKED = 200_000;

export class Broadcasts {
  private readonly byCode = new Map<string, Broadcast>();
  private readonly secret: Buffer;

  constructor(private readonly options: BroadcastsOptions = {}) {
    this.secret = options.secret ?? randomBytes(32);
    if (options.file) this.load(options.file);
  }

  /** A new broadcast link for a room (scheduled or started now). */
  create(roomId: string, title: string, password?: string): Broadcast {
    let code = '';
    do code = newCode();
    while (this.byCode.has(code));
    const salt = randomBytes(16);
    const b: Broadcast = {
      code,
      roomId,
      title,
      state: 'not-started',
      live: null,
      recordingId: null,
      passwordHash: password ? scryptSync(password, salt, 32) : null,
      salt,
      viewers: new Map(),
    };
    this.byCode.set(code, b);
    this.save();
    return b;
  }

  get(code: string): Broadcast | null {
    return BROADCAST_CODE.test(code) ? (this.byCode.get(code) ?? null) : null;
  }

  /** The room's most recent broadcast that has not ended. */
  forRoom(roomId: string): Broadcast | null {
    let found: Broadcast | null = null;
    for (const b of this.byCode.values()) if (b.roomId === roomId && b.state !== 'ended') found = b;
    return found;
  }

  /** Live now; `recordingId` is the recording being made of it, which the link plays once it has ended. */
  goLive(b: Broadcast, live: LiveWindow, recordingId: string | null): void {
    b.state = 'live';
    b.live = live;
    b.recordingId = recordingId;
    this.save();
  }

  end(b: Broadcast): void {
    b.state = 'ended';
    b.live?.end();
    this.save();
  }

  /** Forgets a link that never went live (its start failed). */
  discard(b: Broadcast): void {
    if (b.state !== 'not-started') return;
    this.byCode.delete(b.code);
    this.save();
  }

  /** Forgets broadcasts whose recording retention (or a host) removed. */
  forgetRecording(recordingId: string): void {
    let changed = false;
    for (const [code, b] of this.byCode) {
      if (b.recordingId !== recordingId || b.state === 'live') continue;
      this.byCode.delete(code);
      changed = true;
    }
    if (changed) this.save();
  }

  /** Counts a viewer in and answers how many are watching. */
  seen(b: Broadcast, viewerId: string | null, now = Date.now()): number {
    if (
      viewerId &&
      VIEWER_ID.test(viewerId) &&
      (b.viewers.size < MAX_VIEWERS_TRACKED || b.viewers.has(viewerId))
    ) {
      b.viewers.set(viewerId, now);
    }
    for (const [id, at] of b.viewers) if (now - at > VIEWER_TTL_MS) b.viewers.delete(id);
    return b.viewers.size;
  }

  /** Whether `password` is the viewer password; scrypt runs on libuv's pool, never on the event loop. */
  async checkPassword(b: Broadcast, password: string): Promise<boolean> {
    const hash = b.passwordHash;
    if (!hash) return true;
    const given = await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.slice(0, 256), b.salt, 32, (err, key) => (err ? reject(err) : resolve(key))),
    );
    return timingSafeEqual(given, hash);
  }

  /** The cookie value that proves the password was given for this broadcast. */
  accessToken(b: Broadcast): string {
    return createHmac('sha256', this.secret).update(b.code).digest('base64url');
  }

  /**
   * Whose viewers' comments this viewer reads and writes in a room: its
   * latest broadcast's (comments are kept per broadcast: a later audience
   * never sees an earlier one's), when this viewer may watch it (its viewer
   * password given where it has one); null when the room has no broadcast
   * (comments turned on before it starts are nobody's) or the viewer may not.
   * `live`: only then may a comment be posted.
   */
  commentsOf(roomId: string, cookieHeader: string | undefined): { code: string; live: boolean } | null {
    let latest: Broadcast | null = null;
    for (const b of this.byCode.values()) if (b.roomId === roomId) latest = b;
    if (!latest || !this.mayWatch(latest, cookieHeader)) return null;
    return { code: latest.code, live: latest.state === 'live' };
  }

  mayWatch(b: Broadcast, cookieHeader: string | undefined): boolean {
    if (!b.passwordHash) return true;
    const token = cookieValue(cookieHeader, `b_${b.code}`);
    if (!token) return false;
    const want = Buffer.from(this.accessToken(b));
    const got = Buffer.from(token);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private save(): void {
    const file = this.options.file;
    if (!file) return;
    const stored: StoredBroadcast[] = [...this.byCode.values()].map((b) => ({
      code: b.code,
      roomId: b.roomId,
      title: b.title,
      state: b.state,
      recordingId: b.recordingId,
      passwordHash: b.passwordHash?.toString('hex') ?? null,
      salt: b.salt.toString('hex'),
    }));
    writeFileSync(`${file}.tmp`, JSON.stringify(stored));
    renameSync(`${file}.tmp`, file);
  }

  private load(file: string): void {
    let stored: StoredBroadcast[];
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as StoredBroadcast[];
    } catch {
      return; // none yet
    }
    for (const s of stored) {
      if (!BROADCAST_CODE.test(s.code)) continue;
      this.byCode.set(s.code, {
        ...s,
        // Live when the server stopped: it has ended.
        state: s.state === 'live' ? 'ended' : s.state,
        live: null,
        passwordHash: s.passwordHash ? Buffer.from(s.passwordHash, 'hex') : null,
        salt: Buffer.from(s.salt, 'hex'),
        viewers: new Map(),
      });
    }
  }
}

function newCode(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  return Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}
