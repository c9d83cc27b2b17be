// How others join this lesson, for those who run it («Пригласить»): the
// room's meeting code and password from the server (hosts and co-hosts only),
// and the short link built from this page's own address.
import type { CallStore } from './callStore.js';

export interface Invitation {
  link: string;
  code: string;
  password: string;
  title: string;
}

/** The lesson's invitation, or null when the server refused (a translated toast says why). */
export async function loadInvitation(store: CallStore): Promise<Invitation | null> {
  let out: Invitation | null = null;
  await store.run(async () => {
    const i = (await store.call.request({ getInvitation: {} })).invitation ?? {};
    out = {
      link: `${location.origin}/j/${i.code ?? ''}`,
      code: i.code ?? '',
      password: i.password ?? '',
      title: i.title ?? '',
    };
  });
  return out;
}
