import { breakoutsPanel } from '../panels/BreakoutsPanel.js';
import { chatPanel } from '../panels/ChatPanel.js';
import { commentsPanel } from '../panels/CommentsPanel.js';
import { invitePanel } from '../panels/InvitePanel.js';
import { peoplePanel } from '../panels/PeoplePanel.js';
import { recordingPanel } from '../panels/RecordingPanel.js';
import { settingsPanel } from '../panels/SettingsPanel.js';
import type { PanelDef } from '../panels/panelDef.js';
// The side panels. A new panel (chat, for one) is its component plus one line
// in `panels`: the control bar shows its button (or a "more" menu item), and
// PanelHost shows it beside the stage or, on a phone, over it.
import { boardPanel } from '../whiteboard/BoardPanel.js';

export type { PanelDef } from '../panels/panelDef.js';

export const panels: PanelDef[] = [
  peoplePanel,
  chatPanel,
  settingsPanel,
  breakoutsPanel,
  recordingPanel,
  commentsPanel,
  invitePanel,
  boardPanel,
];
