// A poll or quiz in a message: options to vote for, then the results (and
// a quiz's right answer).
import { t } from '../i18n/index.js';
import type { Msg } from './format.js';

export function PollView({ m, vote }: { m: Msg; vote: (options: number[]) => void }) {
  const p = m.poll!;
  const voted = (m.myVotes ?? []).length > 0;
  const closed = p.closed || ((p.closesAt ?? 0) > 0 && (p.closesAt ?? 0) < Date.now());
  const total = Math.max(1, p.voters ?? 0);
  return (
    <div class="poll">
      <strong>{p.question}</strong>
      {(p.options ?? []).map((o, i) => (
        <button
          type="button"
          key={o.text}
          class={`poll-option${p.correctOption === i ? ' correct' : ''}${m.myVotes?.includes(i) ? ' mine' : ''}`}
          disabled={voted || closed}
          onClick={() => vote([i])}
        >
          <span>{o.text}</span>
          {(voted || closed) && <span class="poll-count">{Math.round(((o.votes ?? 0) * 100) / total)}%</span>}
        </button>
      ))}
      <small>
        {t('chat.poll.voters', { count: p.voters ?? 0 })}
        {closed ? ` · ${t('chat.poll.closed')}` : ''}
      </small>
    </div>
  );
}
