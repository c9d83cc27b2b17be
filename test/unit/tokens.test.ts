import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ErrorCode, SignalingError } from '../../signaling/errors.js';
import { TokenService } from '../../signaling/tokens.js';

const secret = 's'.repeat(40);
const service = new TokenService(secret, 'school-call');
const claims = { userId: 'u-1', displayName: 'Анна Петрова', role: 'co-host' as const, roomId: 'room-1' };

async function codeOf(p: Promise<unknown>): Promise<ErrorCode | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof SignalingError) return err.code;
    throw err;
  }
}

describe('join tokens', () => {
  it('carry user id, display name, role and room, and expire when told', async () => {
    const { token, expiresAt } = await service.mint(claims, 3600);
    const verified = await service.verify(token);
    expect(verified).toMatchObject(claims);
    expect(Math.abs(verified.expiresAt.getTime() - expiresAt.getTime())).toBeLessThan(1000);
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(3590_000);
  });

  it('are refused once expired', async () => {
    const { token } = await service.mint(claims, -1);
    expect(await codeOf(service.verify(token))).toBe(ErrorCode.ERROR_CODE_TOKEN_EXPIRED);
  });

  it('are refused when signed with another secret or by another issuer', async () => {
    const other = new TokenService('t'.repeat(40), 'school-call');
    expect(await codeOf(service.verify((await other.mint(claims, 60)).token))).toBe(
      ErrorCode.ERROR_CODE_UNAUTHENTICATED,
    );
    const foreign = new TokenService(secret, 'someone-else');
    expect(await codeOf(service.verify((await foreign.mint(claims, 60)).token))).toBe(
      ErrorCode.ERROR_CODE_UNAUTHENTICATED,
    );
  });

  it('are refused with an unknown role or missing claims', async () => {
    const key = new TextEncoder().encode(secret);
    const forge = (payload: Record<string, unknown>) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('school-call')
        .setSubject('u')
        .setExpirationTime('1h')
        .sign(key);
    expect(await codeOf(service.verify(await forge({ name: 'x', role: 'admin', room: 'r' })))).toBe(
      ErrorCode.ERROR_CODE_UNAUTHENTICATED,
    );
    expect(await codeOf(service.verify(await forge({ role: 'host', room: 'r' })))).toBe(
      ErrorCode.ERROR_CODE_UNAUTHENTICATED,
    );
  });

  it('refuse the unsigned "none" algorithm', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ sub: 'u', name: 'x', role: 'host', room: 'r', iss: 'school-call', exp: 9999999999 }),
    ).toString('base64url');
    expect(await codeOf(service.verify(`${header}.${body}.`))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
  });
});
