// Download links for a recording that a host can open in a browser without
// the admin secret: the recording id and an expiry, signed with a key of
// this deployment. A link is good for a few minutes, for one recording.
import { createHmac, timingSafeEqual } from 'node:crypto';

const LINK_TTL_MS = 10 * 60_000;

export class RecordingLinks {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly publicUrl: () => string,
  ) {
    // A key of its own, so a link's signature says nothing about the secret.
    this.key = createHmac('sha256', secret).update('recording-links').digest();
  }

  /** The file's path: the admin API's download route. */
  static filePath(id: string): string {
    return `/api/recordings/${id}/file`;
  }

  make(id: string, now = Date.now()): { url: string; expiresAt: number } {
    const expiresAt = now + LINK_TTL_MS;
    const query = `expires=${expiresAt}&sig=${this.sign(id, expiresAt)}`;
    return { url: `${this.publicUrl()}${RecordingLinks.filePath(id)}?${query}`, expiresAt };
  }

  /** Whether a query string (`expires=...&sig=...`) opens this recording now. */
  verify(id: string, query: string, now = Date.now()): boolean {
    const params = new URLSearchParams(query);
    const expiresAt = Number(params.get('expires'));
    const sig = params.get('sig') ?? '';
    if (!Number.isSafeInteger(expiresAt) || expiresAt < now || expiresAt > now + LINK_TTL_MS) return false;
    const want = Buffer.from(this.sign(id, expiresAt));
    const got = Buffer.from(sig);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  private sign(id: string, expiresAt: number): string {
    return createHmac('sha256', this.key).update(`${id}.${expiresAt}`).digest('base64url');
  }
}
