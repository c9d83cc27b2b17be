// A feature of the server (the call itself, lesson controls, and later
// recording, subtitles, chat) is its request handlers, its listeners on each
// room, and its HTTP routes. The server holds a list of features; adding one
// to the list is all the wiring a new service needs, and the compiler
// refuses a list that leaves a request without a handler.
import type { Room } from '../domain/room.js';
import type { HttpRouter } from '../http/router.js';
import type { Handler, HandlerTable, Handlers, RequestType } from './handlerTable.js';

export interface Feature<K extends RequestType = RequestType> {
  readonly name: string;
  readonly handlers: Handlers<K>;
  /** Called once for every room this host holds, so the feature can listen to its events. */
  attach?(room: Room): void;
  /** Adds the feature's HTTP routes. */
  routes?(router: HttpRouter): void;
  /** At shutdown, before the rooms' calls end: a call ending now is not the end of a lesson. */
  shutdown?(): void;
  /** At shutdown, after the rooms' calls have ended. */
  close?(): void | Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: any feature, whatever requests it handles
type AnyFeature = Feature<any>;
type RequestsOf<F> = F extends Feature<infer K> ? K : never;
type Coverage<F extends readonly AnyFeature[]> = [RequestType] extends [RequestsOf<F[number]>]
  ? unknown
  : { missingHandlers: Exclude<RequestType, RequestsOf<F[number]>> };

/** One table of every feature's handlers; two features may not answer the same request. */
export function handlerTable<const F extends readonly AnyFeature[]>(features: F & Coverage<F>): HandlerTable {
  const table: Partial<Record<RequestType, Handler<RequestType>>> = {};
  for (const feature of features) {
    for (const [type, handler] of Object.entries(feature.handlers) as [RequestType, Handler<RequestType>][]) {
      if (table[type]) throw new Error(`two features handle ${type}`);
      table[type] = handler;
    }
  }
  return table as HandlerTable;
}
