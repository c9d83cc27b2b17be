// One message in a chat view: sender, where it was forwarded from, the reply
// it answers, its text, poll, voice or files, a call to join, a lesson's
// recap card, the marks
// (important, pinned, edited) and time, reactions, and its actions
// (MessageMenu). Deleted messages keep their place.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Dialog } from '../kit/Dialog.js';
import { Check, CheckCheck, Pin, Star } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { Attachments } from './Attachments.js';
import { BotButtons } from './BotButtons.js';
import { ForwardPicker } from './ForwardPicker.js';
import { MessageMenu } from './MessageMenu.js';
import { MessageText } from './MessageText.js';
import { PollView } from './PollView.js';
import { ReadReceipt, ReadersDialog } from './ReadReceipt.js';
import { RecapCard } from './RecapCard.js';
import { VoiceNote } from './VoiceNote.js';
import type { Reacted, Readers, ThreadActions } from './actions.js';
import { type Msg, cpb, systemText, time } from './format.js';
import { CHAT_REACTIONS, MessageReactions } from './reactions.js';

export function MessageItem({ m, actions }: { m: Msg; actions: ThreadActions }) {
  const [forwarding, setForwarding] = useState(false);
  const [readers, setReaders] = useState<Readers | null>(null);
  const [reacted, setReacted] = useState<Reacted[] | null>(null);
  if (m.kind === cpb.MessageKind.MESSAGE_KIND_SYSTEM) {
    return (
      <li class="msg system" data-seq={m.seq}>
        {systemText(m)}
      </li>
    );
  }
  const mine = m.senderId === actions.meId;
  const mentionsMe = !mine && (m.mentions ?? []).includes(actions.meId);
  const showReaders = () =>
    void actions.readers?.(m).then((r) => {
      if (r) setReaders(r);
    });
  const delivery = mine ? actions.delivery?.(m) : undefined;
  // Its sender and the chat's admins follow who has read a message sent with read confirmation.
  const receipt = m.readConfirmation && !m.deleted && actions.readers && (mine || actions.rights.moderate);
  return (
    <li
      class={`msg${mine ? ' mine' : ''}${m.pinned ? ' pinned' : ''}${mentionsMe ? ' mentions-me' : ''}`}
      data-seq={m.seq}
      id={`msg-${m.seq}`}
    >
      {!mine && m.senderName && (
        <span class="msg-sender">
          <span {...userText()}>{m.senderName}</span>
          {m.fromGuest ? <span class="guest-mark">{t('people.roleGuest')}</span> : null}
          {m.fromBot ? <span class="guest-mark bot-mark">{t('chat.bot')}</span> : null}
          {mentionsMe && <span class="mention-mark"> · {t('chat.mentionsYou')}</span>}
        </span>
      )}
      {m.forwardedFrom && (
        <span class="msg-forwarded">
          {t('chat.forwardedFrom')} <span {...userText()}>{m.forwardedFrom.senderName ?? ''}</span>
        </span>
      )}
      {m.replyTo && (
        <blockquote class="msg-reply">
          <strong {...userText()}>{m.replyTo.senderName}</strong>{' '}
          <span {...userText()}>{m.replyTo.text}</span>
        </blockquote>
      )}
      {m.deleted ? (
        <p class="msg-text deleted">{t('chat.deleted')}</p>
      ) : (
        <>
          {m.recap ? <RecapCard m={m} /> : m.text && <MessageText m={m} />}
          {m.poll && <PollView m={m} actions={actions} />}
          {m.voice ? (
            <VoiceNote m={m} actions={actions} />
          ) : (
            (m.attachments ?? []).length > 0 && <Attachments m={m} actions={actions} />
          )}
          {(m.buttons ?? []).length > 0 && <BotButtons m={m} actions={actions} />}
          {m.call && actions.joinCall && (
            <button type="button" class="primary join-call" onClick={() => actions.joinCall?.(m)}>
              {t('chat.joinCall', { title: m.call.title ?? '' })}
            </button>
          )}
        </>
      )}
      <span class="msg-meta">
        {m.important && <Star class="meta-icon" aria-label={t('chat.important')} />}
        {m.pinned && <Pin class="meta-icon" aria-label={t('chat.pinned')} />}
        {(m.editedAt ?? 0) > 0 && !m.deleted && `${t('chat.edited')} · `}
        {time(m.sentAt)}
        {delivery === 'read' && <CheckCheck class="meta-icon tick read" aria-label={t('chat.tick.read')} />}
        {delivery === 'sent' && <Check class="meta-icon tick" aria-label={t('chat.tick.sent')} />}
      </span>
      {m.readConfirmation && !m.deleted && !receipt && (
        <span class="confirm-note">{t('chat.confirm.note')}</span>
      )}
      {receipt && actions.readers ? (
        <ReadReceipt
          key={m.rev}
          ask={() => actions.readers?.(m) ?? Promise.resolve(null)}
          show={setReaders}
        />
      ) : null}
      {!m.deleted && <MessageReactions m={m} actions={actions} />}
      {!m.deleted && (
        <MessageMenu
          m={m}
          actions={actions}
          onForward={() => setForwarding(true)}
          onReaders={showReaders}
          onReacted={() => void actions.reacted?.(m).then((r) => r && setReacted(r))}
        />
      )}
      {forwarding && actions.forward && (
        <ForwardPicker m={m} forward={actions.forward} done={() => setForwarding(false)} />
      )}
      {reacted && (
        <Dialog title={t('chat.whoReacted')} onClose={() => setReacted(null)} id="reacted-dialog">
          <ul class="people-list">
            {reacted.map((r) => (
              <li key={r.name} class="reacted-person">
                <span {...userText()}>{r.name}</span>
                <span class="reacted-emojis">
                  {r.emojis.map((e) => {
                    const known = CHAT_REACTIONS.find((x) => x.emoji === e);
                    return known ? (
                      <known.icon key={e} aria-label={t(known.name)} />
                    ) : (
                      <span key={e}>{e}</span>
                    );
                  })}
                </span>
              </li>
            ))}
          </ul>
        </Dialog>
      )}
      {readers && <ReadersDialog readers={readers} onClose={() => setReaders(null)} />}
    </li>
  );
}
