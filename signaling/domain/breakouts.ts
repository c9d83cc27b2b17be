// Breakout rooms of one room: their names, who is assigned where (by user id,
// so a reconnect lands in the same group), whether they are open and until
// when. Moving people and their media is call/moves.ts's job.
import { randomInt } from 'node:crypto';

export interface Breakout {
  id: string;
  name: string;
}

export const MAX_BREAKOUTS = 50;

export class Breakouts {
  readonly rooms = new Map<string, Breakout>();
  /** userId -> breakout id. */
  readonly assignments = new Map<string, string>();
  open = false;
  /** ms since the epoch when open breakouts close by themselves; 0 for no timer. */
  endsAt = 0;
  timer: NodeJS.Timeout | null = null;

  create(names: string[]): void {
    this.clear();
    names.forEach((name, i) => {
      const id = `b${i + 1}`;
      this.rooms.set(id, { id, name });
    });
  }

  assign(userId: string, breakoutId: string): void {
    if (breakoutId) this.assignments.set(userId, breakoutId);
    else this.assignments.delete(userId);
  }

  /** Spreads users evenly over the breakout rooms in random order. */
  assignEvenly(userIds: string[]): void {
    const shuffled = [...userIds];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const ids = [...this.rooms.keys()];
    shuffled.forEach((userId, i) => this.assignments.set(userId, ids[i % ids.length]!));
  }

  /** Where this user belongs while breakouts are open ('' for the main room). */
  locationOf(userId: string): string {
    if (!this.open) return '';
    const id = this.assignments.get(userId) ?? '';
    return this.rooms.has(id) ? id : '';
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.rooms.clear();
    this.assignments.clear();
    this.open = false;
    this.endsAt = 0;
  }
}
