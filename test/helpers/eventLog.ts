// What a test client received: its events in order and how its connection
// closed, with waits on both. The call's and the chat's test clients keep one.
export class EventLog<E> {
  readonly events: E[] = [];
  closedWith: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  push(event: E): void {
    this.events.push(event);
    this.wake();
  }

  closed(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.wake();
  }

  /** Resolves with the first logged event that matches, waiting up to timeoutMs. */
  async waitFor(match: (e: E) => boolean, timeoutMs = 5000): Promise<E> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > end) throw new Error('event did not arrive');
      await this.nextChange(end);
    }
  }

  async waitForClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const end = Date.now() + timeoutMs;
    while (!this.closedWith) {
      if (Date.now() > end) throw new Error('connection did not close');
      await this.nextChange(end);
    }
    return this.closedWith;
  }

  private nextChange(end: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, end - Date.now()));
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
