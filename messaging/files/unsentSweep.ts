// Uploads that never became an attachment (abandoned halfway, or finished
// and never sent) are removed once they are CHAT_UNSENT_UPLOAD_SECONDS old
// (a day by default), so an abandoned 4 GB upload does not stay on disk.
// Every host sweeps; the sweep is idempotent.
import type { Logger } from '../../common/log.js';
import type { FileRecords } from './fileRecords.js';

const MAX_INTERVAL_MS = 3600_000;

/** Starts sweeping; the returned function stops it. */
export function startUnsentSweep(files: FileRecords, ageMs: number, log: Logger): () => void {
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      let removed = 0;
      for (;;) {
        const n = await files.sweepUnsent(Date.now() - ageMs);
        removed += n;
        if (n === 0) break;
      }
      if (removed) log.info({ removed }, 'removed uploads that were never sent');
    } catch (err) {
      log.warn({ err }, 'cannot sweep unsent uploads');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), Math.min(MAX_INTERVAL_MS, ageMs));
  timer.unref();
  return () => clearInterval(timer);
}
