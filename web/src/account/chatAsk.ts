// One request on a short-lived messenger connection, for pages other than the
// messenger that ask its socket (the lesson's page, the school's award kinds):
// connect, authenticate with the token given (a link's, or the session's
// fresh one), ask, close. Refusals reject with the ChatRequestError.
import { ChatClient } from '../protocol/chatClient.js';
import type { cpb } from '../protocol/wire.js';

export async function askChat(
  request: cpb.IChatClientMessage,
  token: () => Promise<string>,
): Promise<cpb.IChatResponse> {
  const client = new ChatClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/chat`);
  try {
    await client.connect();
    await client.authenticate(await token());
    return await client.request(request);
  } finally {
    client.close();
  }
}
