// Reactions on chat messages are stored as emoji (the protocol's choice, so
// any client can add one), but shown as SVG icons from Lucide: they look the
// same on every machine, with or without a colour emoji font (issue #9).
// An emoji outside this set, added by another client, shows as text.
import type { LucideIcon } from 'lucide-preact';
import type { Key } from '../i18n/index.js';
import { t } from '../i18n/index.js';
import { CircleCheck, CircleQuestionMark, FaceGrinning, Heart, PartyPopper, ThumbsUp } from '../kit/icons.js';
import type { ThreadActions } from './actions.js';
import type { Msg } from './format.js';

export interface ChatReaction {
  emoji: string;
  icon: LucideIcon;
  name: Key;
}

export const CHAT_REACTIONS: ChatReaction[] = [
  { emoji: '👍', icon: ThumbsUp, name: 'chat.react.like' },
  { emoji: '❤️', icon: Heart, name: 'chat.react.heart' },
  { emoji: '😂', icon: FaceGrinning, name: 'chat.react.laugh' },
  { emoji: '🎉', icon: PartyPopper, name: 'chat.react.party' },
  { emoji: '✅', icon: CircleCheck, name: 'chat.react.done' },
  { emoji: '❓', icon: CircleQuestionMark, name: 'chat.react.question' },
];

const BY_EMOJI = new Map(CHAT_REACTIONS.map((r) => [r.emoji, r]));

/** The reaction's icon (or the emoji itself if it is not one of ours). */
export function ReactionGlyph({ emoji }: { emoji: string }) {
  const known = BY_EMOJI.get(emoji);
  if (!known) return <span class="reaction-emoji">{emoji}</span>;
  const Icon = known.icon;
  return <Icon class={`reaction-icon r-${CHAT_REACTIONS.indexOf(known)}`} aria-label={t(known.name)} />;
}

export function reactionName(emoji: string): string {
  const known = BY_EMOJI.get(emoji);
  return known ? t(known.name) : emoji;
}

/** A message's reactions with their counts; one's own are marked, and a click adds or takes back one's own. */
export function MessageReactions({ m, actions }: { m: Msg; actions: ThreadActions }) {
  const mine = m.myReactions ?? [];
  if (!(m.reactions ?? []).length) return null;
  return (
    <span class="msg-reactions">
      {(m.reactions ?? []).map((r) => {
        const emoji = r.emoji ?? '';
        const label = `${reactionName(emoji)}: ${r.count ?? 0}`;
        return (
          <button
            type="button"
            key={emoji}
            class={`msg-reaction${mine.includes(emoji) ? ' mine' : ''}`}
            data-emoji={emoji}
            aria-label={label}
            aria-pressed={mine.includes(emoji)}
            title={label}
            onClick={() => actions.react(m, emoji)}
          >
            <ReactionGlyph emoji={emoji} />
            <span class="reaction-count">{r.count}</span>
          </button>
        );
      })}
    </span>
  );
}
