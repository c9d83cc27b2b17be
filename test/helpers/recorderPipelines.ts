// The recorder's GStreamer processes (the program pipeline's host script),
// children of this test process when it runs the server or the recorder:
// read from /proc, cheap enough to look every 50 ms without starving the
// server's event loop (a `ps` in a tight loop did).
import { readFileSync, readdirSync } from 'node:fs';

export function pipelinePids(): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    let children = '';
    try {
      children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8');
    } catch {}
    for (const pid of children.split(' ').filter(Boolean).map(Number)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pipeline_host.py')) pids.push(pid);
      } catch {}
    }
  }
  return pids;
}
