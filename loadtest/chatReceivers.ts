// A receiving slice of a messenger load test, in its own process (started
// by fork() from chatFanout.ts or chatMany.ts): it connects its share of the
// members, then records when each load message reaches each of them. Spread
// over processes, the load generator keeps up with 100,000 deliveries a
// second instead of measuring its own queue.
import { type LoadChatClient, connectAll, now } from './chatStack.js';

type Command = { type: 'connect'; url: string; tokens: string[] } | { type: 'measure' } | { type: 'report' };

let clients: LoadChatClient[] = [];
let latencies: number[] = [];
/** Per message (its send time), the last arrival here. */
const lastArrival = new Map<number, number>();

function send(message: unknown, then?: () => void): void {
  process.send?.(message, undefined, undefined, () => then?.());
}

process.on('message', (cmd: Command) => {
  void (async () => {
    if (cmd.type === 'connect') {
      clients = await connectAll(cmd.url, cmd.tokens, 50);
      send({ type: 'connected' });
      const poll = setInterval(() => {
        if (clients.every((c) => c.events > 0)) {
          clearInterval(poll);
          send({ type: 'following' });
        }
      }, 100);
    } else if (cmd.type === 'measure') {
      latencies = [];
      for (const c of clients) {
        c.onLoadMessage = (sentAt) => {
          const t = now();
          latencies.push(t - sentAt);
          if (t > (lastArrival.get(sentAt) ?? 0)) lastArrival.set(sentAt, t);
        };
      }
    } else if (cmd.type === 'report') {
      for (const c of clients) c.close();
      // Exit only once the (large) report has gone through the channel.
      send({ type: 'report', latencies, lastArrival: [...lastArrival] }, () => process.exit(0));
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
