// The side panels. A new panel (chat, for one) is its component plus one line
// in `panels`: the control bar shows its button (or a "more" menu item), and
// PanelHost shows it beside the stage or, on a phone, over it.
import { breakoutsPanel } from './BreakoutsPanel.js';
import { peoplePanel } from './PeoplePanel.js';
import { recordingPanel } from './RecordingPanel.js';
import { settingsPanel } from './SettingsPanel.js';
import type { PanelDef } from './panelDef.js';

export type { PanelDef } from './panelDef.js';

export const panels: PanelDef[] = [peoplePanel, settingsPanel, breakoutsPanel, recordingPanel];
