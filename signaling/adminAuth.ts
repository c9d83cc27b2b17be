// Checks the admin secret in an Authorization: Bearer header in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

export class AdminAuth {
  private readonly digest: Buffer;

  constructor(secret: string) {
    this.digest = createHash('sha256').update(secret).digest();
  }

  check(authorizationHeader: string): boolean {
    const match = /^Bearer (.+)$/.exec(authorizationHeader);
    if (!match?.[1]) return false;
    return timingSafeEqual(createHash('sha256').update(match[1]).digest(), this.digest);
  }
}
