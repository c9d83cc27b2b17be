// A message's actions in one menu reachable by keyboard: a reaction, reply,
// edit (one's own text), pin, delete (one's own, or anyone's for an admin),
// and those the chat's holder offers besides (important, forward, who read).
import { t } from '../i18n/index.js';
import { Menu, MenuItem } from '../kit/Menu.js';
import {
  CheckCheck,
  Ellipsis,
  Forward,
  Link,
  Pencil,
  Pin,
  PinOff,
  Reply,
  SmilePlus,
  Star,
  StarOff,
  Trash2,
} from '../kit/icons.js';
import type { ThreadActions } from './actions.js';
import { type Msg, cpb } from './format.js';
import { CHAT_REACTIONS } from './reactions.js';

export function MessageMenu({
  m,
  actions,
  onForward,
  onReaders,
  onReacted,
}: {
  m: Msg;
  actions: ThreadActions;
  /** Opens the choice of chats to forward to. */
  onForward: () => void;
  /** Shows who read this message. */
  onReaders: () => void;
  /** Shows who reacted to this message. */
  onReacted: () => void;
}) {
  const mine = m.senderId === actions.meId;
  const text = m.kind === cpb.MessageKind.MESSAGE_KIND_TEXT;
  const markImportant = actions.markImportant;
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
          {actions.rights.pin ? (
            <MenuItem
              close={close}
              data={{ 'data-action': 'pin' }}
              onSelect={() => actions.pin(m, !m.pinned)}
            >
              {m.pinned ? <PinOff aria-hidden="true" /> : <Pin aria-hidden="true" />}{' '}
              {m.pinned ? t('chat.unpin') : t('chat.pin')}
            </MenuItem>
          ) : null}
          {markImportant ? (
            <MenuItem
              close={close}
              data={{ 'data-action': 'important' }}
              onSelect={() => markImportant(m, !m.important)}
            >
              {m.important ? <StarOff aria-hidden="true" /> : <Star aria-hidden="true" />}{' '}
              {m.important ? t('chat.notImportant') : t('chat.markImportant')}
            </MenuItem>
          ) : null}
          {actions.forward ? (
            <MenuItem close={close} data={{ 'data-action': 'forward' }} onSelect={onForward}>
              <Forward aria-hidden="true" /> {t('chat.forward')}
            </MenuItem>
          ) : null}
          {actions.copyLink ? (
            <MenuItem close={close} data={{ 'data-action': 'link' }} onSelect={() => actions.copyLink?.(m)}>
              <Link aria-hidden="true" /> {t('chat.link.copy')}
            </MenuItem>
          ) : null}
          {mine && actions.readers ? (
            <MenuItem close={close} data={{ 'data-action': 'readers' }} onSelect={onReaders}>
              <CheckCheck aria-hidden="true" /> {t('chat.whoRead')}
            </MenuItem>
          ) : null}
          {actions.reacted && (m.reactions ?? []).length > 0 ? (
            <MenuItem close={close} data={{ 'data-action': 'reacted' }} onSelect={onReacted}>
              <SmilePlus aria-hidden="true" /> {t('chat.whoReacted')}
            </MenuItem>
          ) : null}
          {mine || actions.rights.moderate ? (
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
