// How a message that arrives is merged with the one held (the messenger's
// store and the call's lesson chat alike). Events to everyone carry no
// personal flags (ours are kept) and no open quiz's counts: the server sends
// those only to the quiz's author and those who voted, in an event of their
// own; until it comes, the counts held stay. A quiz's answer, once shown, stays.
import type { Msg } from './format.js';

/** The message to hold when `m` arrives over `had`; null: keep `had`. `personal`: an answer to our own request. */
export function mergeMessage(had: Msg | undefined, m: Msg, personal: boolean): Msg | null {
  if (!had) return m;
  if ((had.rev ?? 0) > (m.rev ?? 0)) return null;
  if (personal) return m;
  const quizCounts = m.poll?.quiz && !m.poll.resultsHidden;
  // The same revision sent to everyone adds nothing to the one answered to us.
  if ((had.rev ?? 0) === (m.rev ?? 0) && !quizCounts) return null;
  let poll = m.poll;
  if (poll && had.poll) {
    if (poll.resultsHidden && !had.poll.resultsHidden)
      poll = { ...poll, options: had.poll.options, resultsHidden: false };
    const answer = had.poll.correctOption ?? -1;
    if (answer >= 0 && (poll.correctOption ?? -1) < 0) poll = { ...poll, correctOption: answer };
  }
  return { ...m, poll, myReactions: had.myReactions, myVotes: had.myVotes, important: had.important };
}
