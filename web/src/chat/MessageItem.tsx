// One message in a chat view: sender, reply preview, text, poll, files,
// reactions (as icons), edited/pinned marks and time, and its actions in a
// menu reachable by keyboard. Deleted messages keep their place.
import { useEffect, useState } from 'preact/hooks';
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { t } from '../i18n/index.js';
import { Menu, MenuItem } from '../ui/Menu.js';
import { Download, Ellipsis, Paperclip, Pencil, Pin, PinOff, Reply, Trash2 } from '../ui/icons.js';
import { type Msg, fileSize, systemText, time } from './format.js';
import { CHAT_REACTIONS, ReactionGlyph, reactionName } from './reactions.js';
import type { ThreadActions } from './thread.js';

import cpb = schoolcall.chat.v1;

/** A poll or quiz: options to vote for, then the results (and a quiz's right answer). */
export function PollView({ m, vote }: { m: Msg; vote: (option: number) => void }) {
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
          onClick={() => vote(i)}
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

function Files({ m, actions }: { m: Msg; actions: ThreadActions }) {
  const [previews, setPreviews] = useState<Record<string, string>>({});
  // A message's files never change: their preview links are asked once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the message's own attachments
  useEffect(() => {
    for (const a of m.attachments ?? []) {
      if (!a.hasPreview || previews[a.fileId ?? '']) continue;
      void actions
        .fileUrl(m, a.fileId ?? '', true)
        .then((url) => url && setPreviews((p) => ({ ...p, [a.fileId ?? '']: url })));
    }
  }, [m.attachments]);
  const open = (fileId: string) =>
    void actions.fileUrl(m, fileId, false).then((url) => {
      if (url) window.open(url, '_blank', 'noopener');
    });
  return (
    <div class="attachments">
      {(m.attachments ?? []).map((a) => (
        <div key={a.fileId} class="file-row">
          {a.hasPreview && previews[a.fileId ?? ''] ? (
            <button type="button" class="file-preview ghost" onClick={() => open(a.fileId ?? '')}>
              <img
                src={previews[a.fileId ?? '']}
                alt={a.name ?? ''}
                width={a.width ?? undefined}
                height={a.height ?? undefined}
              />
            </button>
          ) : null}
          <button type="button" class="file ghost" onClick={() => open(a.fileId ?? '')}>
            {a.hasPreview ? <Download aria-hidden="true" /> : <Paperclip aria-hidden="true" />}
            <span class="file-name">{a.name}</span>
            <small>{fileSize(a.size)}</small>
          </button>
        </div>
      ))}
    </div>
  );
}

function Reactions({ m, actions }: { m: Msg; actions: ThreadActions }) {
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

function Actions({ m, actions }: { m: Msg; actions: ThreadActions }) {
  const mine = m.senderId === actions.meId;
  const text = m.kind === cpb.MessageKind.MESSAGE_KIND_TEXT;
  return (
    <Menu
      label={t('chat.actions')}
      class="msg-menu-button ghost icon-only"
      button={<Ellipsis aria-hidden="true" />}
    >
      {(close) => (
        <>
          <div class="reaction-pick">
            {CHAT_REACTIONS.map((r) => (
              <button
                type="button"
                role="menuitem"
                key={r.emoji}
                data-emoji={r.emoji}
                class={(m.myReactions ?? []).includes(r.emoji) ? 'mine' : ''}
                aria-label={t(r.name)}
                title={t(r.name)}
                onClick={() => {
                  close();
                  actions.react(m, r.emoji);
                }}
              >
                <r.icon aria-hidden="true" />
              </button>
            ))}
          </div>
          <MenuItem close={close} data={{ 'data-action': 'reply' }} onSelect={() => actions.reply(m)}>
            <Reply aria-hidden="true" /> {t('chat.reply')}
          </MenuItem>
          {mine && text ? (
            <MenuItem close={close} data={{ 'data-action': 'edit' }} onSelect={() => actions.edit(m)}>
              <Pencil aria-hidden="true" /> {t('chat.edit')}
            </MenuItem>
          ) : null}
          {actions.canPin ? (
            <MenuItem
              close={close}
              data={{ 'data-action': 'pin' }}
              onSelect={() => actions.pin(m, !m.pinned)}
            >
              {m.pinned ? <PinOff aria-hidden="true" /> : <Pin aria-hidden="true" />}{' '}
              {m.pinned ? t('chat.unpin') : t('chat.pin')}
            </MenuItem>
          ) : null}
          {mine || actions.isAdmin ? (
            <MenuItem
              close={close}
              danger
              data={{ 'data-action': 'delete' }}
              onSelect={() => actions.remove(m)}
            >
              <Trash2 aria-hidden="true" /> {t('chat.delete')}
            </MenuItem>
          ) : null}
        </>
      )}
    </Menu>
  );
}

export function MessageItem({ m, actions }: { m: Msg; actions: ThreadActions }) {
  if (m.kind === cpb.MessageKind.MESSAGE_KIND_SYSTEM) {
    return (
      <li class="msg system" data-seq={m.seq}>
        {systemText(m)}
      </li>
    );
  }
  const mine = m.senderId === actions.meId;
  return (
    <li class={`msg${mine ? ' mine' : ''}${m.pinned ? ' pinned' : ''}`} data-seq={m.seq} id={`msg-${m.seq}`}>
      {!mine && <span class="msg-sender">{m.senderName}</span>}
      {m.replyTo && (
        <blockquote class="msg-reply">
          <strong>{m.replyTo.senderName}</strong> {m.replyTo.text}
        </blockquote>
      )}
      {m.deleted ? (
        <p class="msg-text deleted">{t('chat.deleted')}</p>
      ) : (
        <>
          {m.text && <p class="msg-text">{m.text}</p>}
          {m.poll && <PollView m={m} vote={(i) => actions.vote(m, i)} />}
          {(m.attachments ?? []).length > 0 && <Files m={m} actions={actions} />}
        </>
      )}
      <span class="msg-meta">
        {m.pinned && <Pin class="meta-icon" aria-label={t('chat.pinned')} />}
        {(m.editedAt ?? 0) > 0 && !m.deleted && `${t('chat.edited')} · `}
        {time(m.sentAt)}
      </span>
      {!m.deleted && <Reactions m={m} actions={actions} />}
      {!m.deleted && <Actions m={m} actions={actions} />}
    </li>
  );
}
