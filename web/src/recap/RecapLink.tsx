// On the call's end screen, for the lesson's hosts: the way to the lesson's
// page («Итоги урока»); the page finds the room's latest lesson.
import { t } from '../i18n/index.js';
import { ClipboardList } from '../kit/icons.js';

export function RecapLink({ roomId }: { roomId: string }) {
  return (
    <a class="button wide" id="end-recap" href={`/lessons/latest?room=${encodeURIComponent(roomId)}`}>
      <ClipboardList aria-hidden="true" /> {t('recap.open')}
    </a>
  );
}
