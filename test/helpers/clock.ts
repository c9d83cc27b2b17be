// A clock a test moves forward (ServerExtras.clock) instead of sleeping
// through a real window: the server reads the real time plus what was added.
export class TestClock {
  private added = 0;

  readonly now = (): number => Date.now() + this.added;

  advance(ms: number): void {
    this.added += ms;
  }
}
