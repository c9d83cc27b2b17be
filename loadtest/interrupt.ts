// What a load test started (servers, Redis, PostgreSQL, receiver processes)
// is stopped when the run is stopped from outside (Ctrl-C, a timeout's
// SIGTERM), not only when main() returns: otherwise they outlive it and the
// next run measures a busy machine.
const stops = new Set<() => unknown>();
let installed = false;

/** Runs `stop` if the process is interrupted; the returned function forgets it (after a normal stop). */
export function onInterrupt(stop: () => unknown): () => void {
  if (!installed) {
    installed = true;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        console.error(`${signal}: stopping what the load test started`);
        // Newest first (receivers before the server before its stores), 15 s at most.
        const all = [...stops].reverse();
        const timer = setTimeout(() => process.exit(130), 15_000);
        timer.unref();
        void (async () => {
          for (const s of all) {
            try {
              await s();
            } catch (err) {
              console.error(err);
            }
          }
          process.exit(130);
        })();
      });
    }
  }
  stops.add(stop);
  return () => stops.delete(stop);
}
