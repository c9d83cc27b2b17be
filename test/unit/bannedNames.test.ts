// A banned guest's self-chosen name is kept, as it looks, in the call's state
// (signaling/domain/callState.ts), so every host refuses it: the state a host
// saves (JSON, as in Redis) and another restores refuses the same names, and
// the check a host makes from saved state alone (nameRefused) agrees. (#21 O4)
import { describe, expect, it } from 'vitest';
import type { WorkerPool } from '../../sfu/workerPool.js';
import { type CallStateSnapshot, restoreCall, snapshotCall } from '../../signaling/domain/callState.js';
import { Room, nameRefused } from '../../signaling/domain/room.js';

const definition = {
  id: 'banned-names',
  title: 'Parents',
  createdAt: new Date(),
  maxParticipants: 10,
  code: '000-000-0',
  password: 'ABCDEF',
  instance: 'i1',
};
// No media is made here: a room that never starts its media needs no workers.
const noWorkers = {} as WorkerPool;

describe('a banned guest’s name in the call state', () => {
  it('is refused on another host, as it looks, for everyone but who was spared', () => {
    const home = new Room(definition, noWorkers);
    home.ban({ userId: 'guest-1', admission: 'addr-1', displayName: 'Мама Пети' });
    // A signed-in person (no self-service admission) bans no name.
    home.ban({ userId: 'pupil-1', displayName: 'Коля Петров' });
    const saved = JSON.parse(JSON.stringify(snapshotCall(home, new Map()))) as CallStateSnapshot;

    const other = new Room(definition, noWorkers);
    restoreCall(other, saved);
    for (const name of ['Мама Пети', 'пети мама', 'Mама Пeти', 'Мама\u200bПети', 'Mama Peti']) {
      expect(other.nameBanned(name, 'someone-new'), name).toBe(true);
      expect(nameRefused(saved.bannedNames ?? [], name, 'someone-new', new Set()), name).toBe(true);
    }
    for (const name of ['Мама Коли', 'Коля Петров', 'Мама Пети Ивановой']) {
      expect(other.nameBanned(name, 'someone-new'), name).toBe(false);
      expect(nameRefused(saved.bannedNames ?? [], name, 'someone-new', new Set()), name).toBe(false);
    }
    // The call ends: the names are free again.
    other.endCall();
    expect(other.nameBanned('Мама Пети', 'someone-new')).toBe(false);
  });
});
