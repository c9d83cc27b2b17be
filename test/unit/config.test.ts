import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { mayProduce } from '../../signaling/domain/roles.js';

const secrets = { ADMIN_SECRET: 'a'.repeat(32), TOKEN_SECRET: 'b'.repeat(32) };

describe('configuration', () => {
  it('has single-host defaults', () => {
    const c = loadConfig({ ...secrets });
    expect(c.port).toBe(8080);
    expect(c.numWorkers).toBeGreaterThanOrEqual(1);
    expect(c.maxParticipantsPerRoom).toBe(2000);
    expect(c.demoRoomId).toBeNull();
  });

  it('refuses missing or short secrets and malformed numbers', () => {
    expect(() => loadConfig({})).toThrow(/ADMIN_SECRET/);
    expect(() => loadConfig({ ...secrets, TOKEN_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => loadConfig({ ...secrets, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...secrets, MEDIASOUP_WORKERS: '0' })).toThrow(/MEDIASOUP_WORKERS/);
  });

  it('takes a PostgreSQL URL over TCP or a unix socket, and refuses what pg would misread', () => {
    expect(loadConfig({ ...secrets }).databaseUrl).toBeNull();
    for (const url of [
      'postgresql://app:secret@db.school.example:5432/school_call',
      'postgres://app@10.0.0.5/chats?sslmode=require',
      'postgresql://school_call@/school_call?host=%2Fvar%2Flib%2Fschool-call%2Fpostgres',
      'postgresql://school_call@/school_call?host=/var/lib/school-call/postgres',
    ]) {
      expect(loadConfig({ ...secrets, DATABASE_URL: url }).databaseUrl).toBe(url);
    }
    const bad: [string, RegExp][] = [
      ['db.school.example:5432/school_call', /start with postgresql/],
      ['mysql://app@db/school_call', /start with postgresql/],
      ['postgresql://app@db.school.example:5432', /name a database/],
      ['postgresql:///school_call', /needs a host/],
      ['postgresql://app@/school_call?host=run/postgresql', /absolute path/],
      ['not a url', /not a URL/],
    ];
    for (const [url, err] of bad)
      expect(() => loadConfig({ ...secrets, DATABASE_URL: url }), url).toThrow(err);
    expect(() => loadConfig({ ...secrets, DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});

describe('roles', () => {
  it('let everyone speak and show a camera, and only hosts and co-hosts share a screen', () => {
    for (const role of ['host', 'co-host', 'participant', 'guest'] as const) {
      expect(mayProduce(role, 'microphone')).toBe(true);
      expect(mayProduce(role, 'camera')).toBe(true);
    }
    expect(mayProduce('host', 'screen')).toBe(true);
    expect(mayProduce('co-host', 'screen')).toBe(true);
    expect(mayProduce('participant', 'screen')).toBe(false);
    expect(mayProduce('guest', 'screen-audio')).toBe(false);
    // The board as video comes from a host's client.
    expect(mayProduce('host', 'whiteboard')).toBe(true);
    expect(mayProduce('co-host', 'whiteboard')).toBe(true);
    expect(mayProduce('participant', 'whiteboard')).toBe(false);
    expect(mayProduce('guest', 'whiteboard')).toBe(false);
  });
});
