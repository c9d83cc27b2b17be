// Stage modes beyond the built-in gallery and speaker views (the whiteboard
// will be one): the first active mode takes the stage, with people in the
// strip beside it. A new mode is a component plus one line in `stageModes`.
import type { FunctionComponent } from 'preact';
import type { CallStore } from '../state/callStore.js';
import { BoardStage } from '../whiteboard/BoardStage.js';
import { DocumentStage } from '../whiteboard/DocumentStage.js';

export interface StageMode {
  id: string;
  active(store: CallStore): boolean;
  component: FunctionComponent;
}

export const stageModes: StageMode[] = [
  // A presented document before the board: the host shows it on purpose, over whatever was there.
  { id: 'document', active: (store) => store.presentation.active.value, component: DocumentStage },
  { id: 'whiteboard', active: (store) => Boolean(store.board.state.value.open), component: BoardStage },
];
