// The parts' actions in a chat's header («Запланировать урок», «Сбор файлов»,
// «Награды класса»): icon buttons on wide screens; on a phone they fold into
// one «⋯» menu, so the chat's title keeps the room to be read. `menuOnly`:
// what has its own button on wide screens but only a menu item on a phone
// («Участники и настройки»), listed first.
import { t } from '../i18n/index.js';
import { Menu, MenuItem } from '../kit/Menu.js';
import { type SheetAction, SheetButton } from '../kit/SheetButton.js';
import { Ellipsis } from '../kit/icons.js';

export function ChatHeadActions({
  actions,
  menuOnly = [],
}: { actions: (SheetAction | null)[]; menuOnly?: SheetAction[] }) {
  const shown = actions.filter((a): a is SheetAction => a !== null);
  const menu = [...menuOnly, ...shown];
  if (!menu.length) return null;
  return (
    <>
      <span class="chat-head-actions wide-only">
        {shown.map((a) => (
          <SheetButton key={a.id} id={a.id} label={a.label} icon={a.icon} place="chat" onOpen={a.open} />
        ))}
      </span>
      <span class="chat-head-more narrow-only">
        <Menu
          label={t('chat.more')}
          class="ghost icon-only"
          id="chat-more"
          button={<Ellipsis aria-hidden="true" />}
        >
          {(close) =>
            menu.map((a) => (
              <MenuItem key={a.id} close={close} onSelect={a.open} data={{ 'data-action': a.id }}>
                <a.icon aria-hidden="true" /> {a.label}
              </MenuItem>
            ))
          }
        </Menu>
      </span>
    </>
  );
}
