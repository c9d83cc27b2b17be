// Awards, «Награды» (#27): a part above the messenger. It registers its
// requests on the messenger's socket (registerChatHandlers, as
// notifications/ and homework/ do) and keeps its tables in PostgreSQL
// (schema `awards`); who is a verified teacher comes from accounts, a
// parent's children from the directory, both handed in by app/server.ts.
import { invalid } from '../messaging/errors.js';
import { type ChatHandler, registerChatHandlers } from '../messaging/handlers.js';
import type { Messenger } from '../messaging/messenger.js';
import { type AwardsDeps, AwardsService } from './service.js';

const byMessenger = new WeakMap<Messenger, AwardsService>();

export function startAwards(deps: AwardsDeps): AwardsService {
  const service = new AwardsService(deps);
  byMessenger.set(deps.messenger, service);
  registerChatHandlers(HANDLERS);
  return service;
}

function of(messenger: Messenger): AwardsService {
  const s = byMessenger.get(messenger);
  if (!s) throw invalid('awards are not set up on this server');
  return s;
}

type AwardRequest =
  | 'listAwardKinds'
  | 'addAwardKind'
  | 'giveAward'
  | 'withdrawAward'
  | 'getAwardBoard'
  | 'getClassAwards'
  | 'renameAwardKind'
  | 'retireAwardKind'
  | 'restoreAwardKind';

const HANDLERS: Record<AwardRequest, ChatHandler> = {
  listAwardKinds: async ({ caller, messenger }, m) => ({
    awardKinds: await of(messenger).kinds(caller, m.listAwardKinds?.withRetired === true),
  }),
  addAwardKind: async ({ caller, messenger }, m) => ({
    awardKinds: await of(messenger).addKind(caller, m.addAwardKind!),
  }),
  renameAwardKind: async ({ caller, messenger }, m) => ({
    awardKinds: await of(messenger).renameKind(caller, m.renameAwardKind!),
  }),
  retireAwardKind: async ({ caller, messenger }, m) => ({
    awardKinds: await of(messenger).retireKind(caller, m.retireAwardKind!),
  }),
  restoreAwardKind: async ({ caller, messenger }, m) => ({
    awardKinds: await of(messenger).restoreKind(caller, m.restoreAwardKind!),
  }),
  giveAward: async ({ caller, messenger }, m) => ({
    awardBoards: await of(messenger).give(caller, m.giveAward!),
  }),
  withdrawAward: async ({ caller, messenger }, m) => ({
    awardBoards: await of(messenger).withdraw(caller, m.withdrawAward!),
  }),
  getAwardBoard: async ({ caller, messenger }, m) => ({
    awardBoards: await of(messenger).board(caller, m.getAwardBoard!),
  }),
  getClassAwards: async ({ caller, messenger }, m) => ({
    awardBoards: await of(messenger).classBoards(caller, m.getClassAwards!),
  }),
};
