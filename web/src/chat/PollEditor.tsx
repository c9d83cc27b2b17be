// Writing a poll or a quiz in a window over the chat: the question, 2-10
// options, whether votes are anonymous, several answers allowed, a quiz with
// its right answer, and when it closes by itself. The server checks all of
// it again (a quiz is single choice with one right option).
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Dialog } from '../kit/Dialog.js';
import { Plus, X } from '../kit/icons.js';
import type { PollDraft } from './actions.js';

const OPTIONS_MAX = 10;

export function PollEditor({
  send,
  done,
}: {
  send: (poll: PollDraft) => Promise<boolean>;
  done: () => void;
}) {
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState(['', '']);
  const [anonymous, setAnonymous] = useState(true);
  const [multiple, setMultiple] = useState(false);
  const [quiz, setQuiz] = useState(false);
  const [correct, setCorrect] = useState(-1);
  const [closes, setCloses] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const filled = options.map((o) => o.trim()).filter(Boolean);

  const submit = async () => {
    if (!question.trim()) return setProblem(t('poll.needQuestion'));
    if (filled.length < 2) return setProblem(t('poll.needOptions'));
    if (quiz && (correct < 0 || !options[correct]?.trim())) return setProblem(t('poll.needCorrect'));
    const closesAt = closes ? new Date(closes).getTime() : 0;
    if (closes && !(closesAt > Date.now())) return setProblem(t('poll.needFuture'));
    // The right option's place among the filled ones (empty lines are dropped).
    const correctOption = quiz ? options.slice(0, correct).filter((o) => o.trim()).length : -1;
    setBusy(true);
    const ok = await send({
      question: question.trim(),
      options: filled,
      anonymous,
      multiple: quiz ? false : multiple,
      quiz,
      correctOption,
      closesAt,
    });
    setBusy(false);
    if (ok) done();
  };

  return (
    <Dialog title={quiz ? t('poll.newQuiz') : t('poll.newPoll')} onClose={done} id="poll-dialog" wide>
      <form
        class="poll-editor"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label class="field">
          <span>{t('poll.question')}</span>
          <input
            id="poll-question"
            value={question}
            maxLength={300}
            onInput={(e) => setQuestion((e.target as HTMLInputElement).value)}
          />
        </label>
        <fieldset class="poll-options">
          <legend>{quiz ? t('poll.optionsQuiz') : t('poll.options')}</legend>
          {options.map((o, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the options are edited in place, by position
            <div class="poll-option-edit" key={i}>
              {quiz ? (
                <input
                  type="radio"
                  name="poll-correct"
                  checked={correct === i}
                  aria-label={t('poll.correctN', { n: i + 1 })}
                  onChange={() => setCorrect(i)}
                />
              ) : null}
              <input
                value={o}
                maxLength={100}
                aria-label={t('poll.optionN', { n: i + 1 })}
                placeholder={t('poll.optionN', { n: i + 1 })}
                onInput={(e) => {
                  const next = [...options];
                  next[i] = (e.target as HTMLInputElement).value;
                  setOptions(next);
                }}
              />
              {options.length > 2 ? (
                <button
                  type="button"
                  class="ghost icon-only"
                  aria-label={t('poll.removeOptionN', { n: i + 1 })}
                  onClick={() => {
                    setOptions(options.filter((_, j) => j !== i));
                    if (correct === i) setCorrect(-1);
                    else if (correct > i) setCorrect(correct - 1);
                  }}
                >
                  <X aria-hidden="true" />
                </button>
              ) : null}
            </div>
          ))}
          {options.length < OPTIONS_MAX ? (
            <button type="button" class="ghost" onClick={() => setOptions([...options, ''])}>
              <Plus aria-hidden="true" /> {t('poll.addOption')}
            </button>
          ) : null}
        </fieldset>
        <label class="check">
          <input type="checkbox" checked={anonymous} onChange={() => setAnonymous(!anonymous)} />
          {t('poll.anonymous')}
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={multiple && !quiz}
            disabled={quiz}
            onChange={() => setMultiple(!multiple)}
          />
          {t('poll.multiple')}
        </label>
        <label class="check">
          <input type="checkbox" checked={quiz} onChange={() => setQuiz(!quiz)} />
          {t('poll.quiz')}
        </label>
        <label class="field">
          <span>{t('poll.closesAt')}</span>
          <input
            type="datetime-local"
            id="poll-closes"
            value={closes}
            onInput={(e) => setCloses((e.target as HTMLInputElement).value)}
          />
        </label>
        {problem ? (
          <p class="form-problem" role="alert">
            {problem}
          </p>
        ) : null}
        <div class="dialog-actions">
          <button type="button" class="ghost" onClick={done}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="primary" id="poll-send" disabled={busy}>
            {quiz ? t('poll.sendQuiz') : t('poll.sendPoll')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
