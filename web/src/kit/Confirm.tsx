// Asking before something that cannot be undone (removing, banning, ending
// the lesson): a modal dialog that keeps focus until answered.
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';

interface Question {
  text: string;
  yes: string;
  answer: (yes: boolean) => void;
}

const pending = signal<Question | null>(null);

export function confirmAction(text: string, yes: string): Promise<boolean> {
  return new Promise((resolve) => {
    pending.value?.answer(false);
    pending.value = { text, yes, answer: resolve };
  });
}

export function ConfirmHost() {
  const ref = useRef<HTMLDialogElement>(null);
  const question = pending.value;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (question && !dialog.open) dialog.showModal();
    if (!question && dialog.open) dialog.close();
  }, [question]);
  const answer = (yes: boolean) => {
    const q = pending.value;
    pending.value = null;
    q?.answer(yes);
  };
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="confirm-text"
      onCancel={(e) => {
        e.preventDefault();
        answer(false);
      }}
    >
      <p id="confirm-text">{question?.text}</p>
      <div class="confirm-buttons">
        <button type="button" id="confirm-no" onClick={() => answer(false)}>
          {t('common.cancel')}
        </button>
        <button type="button" id="confirm-yes" class="danger" onClick={() => answer(true)}>
          {question?.yes}
        </button>
      </div>
    </dialog>
  );
}
