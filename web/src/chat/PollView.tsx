// A poll or quiz in a message: its kind (anonymous or public, several
// answers, quiz, closing time), options to vote for (checkboxes and a vote
// button when several answers are allowed), then the results, which its
// author sees before voting too, a quiz's right answer, who chose each
// option of a public poll, and a way for its author or a moderator to close it.
// An open quiz's counts wait for one's own answer: «Результаты появятся после ответа».
import { useState } from 'preact/hooks';
import { lang, t } from '../i18n/index.js';
import { Dialog } from '../kit/Dialog.js';
import { userText } from '../kit/userText.js';
import type { ThreadActions } from './actions.js';
import { type Msg, time } from './format.js';

function dateTime(ms: number): string {
  const d = new Date(ms);
  const day = d.toLocaleDateString(lang.value === 'ru' ? 'ru-RU' : 'en-GB', {
    day: 'numeric',
    month: 'short',
  });
  return `${day} ${time(ms)}`;
}

export function PollView({ m, actions }: { m: Msg; actions: ThreadActions }) {
  const p = m.poll!;
  const [chosen, setChosen] = useState<number[]>([]);
  const [voters, setVoters] = useState<{ option: string; names: string[] } | null>(null);
  const voted = (m.myVotes ?? []).length > 0;
  const closesAt = p.closesAt ?? 0;
  const closed = p.closed || (closesAt > 0 && closesAt < Date.now());
  const mine = m.senderId === actions.meId;
  // An open quiz's counts come only to its author and those who answered (the server withholds them).
  const showResults = (voted || closed || mine) && !p.resultsHidden;
  const canVote = !voted && !closed;
  const total = Math.max(1, p.voters ?? 0);
  const kind = [
    p.quiz ? t('poll.kindQuiz') : p.anonymous ? t('poll.kindAnonymous') : t('poll.kindPublic'),
    p.multiple ? t('poll.kindMultiple') : '',
    closesAt > 0 && !p.closed ? t('poll.until', { at: dateTime(closesAt) }) : '',
  ].filter(Boolean);
  const showVoters = async (i: number) => {
    const names = await actions.voters?.(m, i);
    if (names) setVoters({ option: p.options?.[i]?.text ?? '', names });
  };
  return (
    <div class="poll">
      <small class="poll-kind">{kind.join(' · ')}</small>
      <strong {...userText()}>{p.question}</strong>
      {(p.options ?? []).map((o, i) => {
        const percent = Math.round(((o.votes ?? 0) * 100) / total);
        const cls = `poll-option${p.correctOption === i ? ' correct' : ''}${m.myVotes?.includes(i) ? ' mine' : ''}`;
        const result = showResults ? (
          <span class="poll-count">
            {percent}% · {o.votes ?? 0}
          </span>
        ) : null;
        return (
          <div class="poll-row" key={o.text}>
            {p.multiple && canVote ? (
              <label class={`check ${cls}`}>
                <input
                  type="checkbox"
                  checked={chosen.includes(i)}
                  onChange={() =>
                    setChosen(chosen.includes(i) ? chosen.filter((x) => x !== i) : [...chosen, i])
                  }
                />
                <span {...userText()}>{o.text}</span>
                {result}
              </label>
            ) : (
              <button type="button" class={cls} disabled={!canVote} onClick={() => actions.vote(m, [i])}>
                <span {...userText()}>{o.text}</span>
                {result}
              </button>
            )}
            {showResults && !p.anonymous && actions.voters && (o.votes ?? 0) > 0 ? (
              <button
                type="button"
                class="ghost poll-voters"
                aria-label={t('poll.whoChose', { option: o.text ?? '' })}
                onClick={() => void showVoters(i)}
              >
                {t('poll.voters')}
              </button>
            ) : null}
          </div>
        );
      })}
      {p.multiple && canVote ? (
        <button
          type="button"
          class="primary"
          disabled={chosen.length === 0}
          onClick={() => actions.vote(m, chosen)}
        >
          {t('poll.vote')}
        </button>
      ) : null}
      {p.quiz && !showResults ? <small class="poll-hidden">{t('poll.resultsAfterAnswer')}</small> : null}
      <small>
        {t('chat.poll.voters', { count: p.voters ?? 0 })}
        {closed ? ` · ${t('chat.poll.closed')}` : ''}
      </small>
      {!closed && actions.closePoll && (mine || actions.rights.moderate) ? (
        <button type="button" class="ghost poll-close" onClick={() => actions.closePoll?.(m)}>
          {t('poll.close')}
        </button>
      ) : null}
      {voters ? (
        <Dialog
          title={t('poll.whoChose', { option: voters.option })}
          onClose={() => setVoters(null)}
          id="voters-dialog"
        >
          <ul class="people-list">
            {voters.names.map((n) => (
              <li key={n} {...userText()}>
                {n}
              </li>
            ))}
          </ul>
        </Dialog>
      ) : null}
    </div>
  );
}
