// How a collection's times, sizes and states read.
import { dayTime } from '../chat/format.js';
import { type Key, t } from '../i18n/index.js';
import { fileSize } from '../i18n/units.js';
import { cpb } from '../messenger/messengerStore.js';

export const when = dayTime;

const S = cpb.SubmissionState;

export const STATE_KEYS: Record<cpb.SubmissionState, Key> = {
  [S.SUBMISSION_STATE_UNSPECIFIED]: 'hw.state.missing',
  [S.SUBMISSION_STATE_MISSING]: 'hw.state.missing',
  [S.SUBMISSION_STATE_SUBMITTED]: 'hw.state.submitted',
  [S.SUBMISSION_STATE_LATE]: 'hw.state.late',
  [S.SUBMISSION_STATE_RETURNED]: 'hw.state.returned',
};

export function stateText(s: cpb.ISubmission): string {
  return t(STATE_KEYS[s.state ?? S.SUBMISSION_STATE_MISSING]);
}

/** "Принимаются: pdf, jpg; до 10 МБ". */
export function allowedText(c: cpb.ICollection): string {
  const types = c.allowedTypes ?? [];
  return t('hw.allowed', {
    types: types.length ? types.join(', ') : t('hw.anyType'),
    size: fileSize(c.maxBytes ?? 0),
  });
}
