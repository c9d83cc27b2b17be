// For hosts and co-hosts in «Ещё»: subtitles for everyone on or off, the
// language they are made in (Russian, English, or told apart per sentence)
// and translation into English, and «Скачать расшифровку» (the transcript so
// far, while the lesson runs; afterwards the lesson's page has it). Where the
// server has no speech model, the item says so and what to do.
import { t } from '../i18n/index.js';
import { MenuItem } from '../kit/Menu.js';
import { Captions, CaptionsOff, Check, FileDown, Languages } from '../kit/icons.js';
import { fileNameOf, saveFile } from '../kit/saveFile.js';
import { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';

const LANGUAGES: { value: pb.SubtitleLanguage; label: 'sub.langRu' | 'sub.langEn' | 'sub.langAuto' }[] = [
  { value: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_RU, label: 'sub.langRu' },
  { value: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_EN, label: 'sub.langEn' },
  { value: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_AUTO, label: 'sub.langAuto' },
];

export function SubtitlesMenu({ close }: { close: () => void }) {
  const store = useStore();
  const s = store.subtitles.state.value;
  const on = Boolean(s.enabled);
  if (!s.available && !on) {
    return (
      <>
        <MenuItem close={close} data={{ id: 'subtitles-room' }} disabled onSelect={() => {}}>
          <CaptionsOff aria-hidden="true" /> {t('ctl.subtitlesUnavailable')}
        </MenuItem>
        <p class="menu-state" id="subtitles-unavailable-hint">
          {t('sub.unavailableHint')}
        </p>
      </>
    );
  }
  const language = s.language || pb.SubtitleLanguage.SUBTITLE_LANGUAGE_RU;
  const download = async () => {
    const text = await store.subtitles.transcriptSoFar();
    const title = store.roster.roomTitle.value;
    if (text) saveFile(fileNameOf(title, `${t('recap.transcript')}.txt`), text, 'text/plain;charset=utf-8');
  };
  return (
    <>
      <MenuItem
        close={close}
        data={{ id: 'subtitles-room' }}
        onSelect={() => void store.subtitles.toggleForRoom()}
      >
        {on ? <CaptionsOff aria-hidden="true" /> : <Captions aria-hidden="true" />}{' '}
        {on ? t('ctl.subtitlesOff') : t('ctl.subtitlesOn')}
      </MenuItem>
      <p class="menu-state">{t('sub.language')}</p>
      {LANGUAGES.map((l) => (
        <MenuItem
          key={l.value}
          close={close}
          data={{ role: 'menuitemradio', 'aria-checked': String(language === l.value) }}
          onSelect={() => void store.subtitles.choose(l.value, Boolean(s.translateToEnglish))}
        >
          {language === l.value ? <Check aria-hidden="true" /> : <span class="menu-icon-space" />}{' '}
          {t(l.label)}
        </MenuItem>
      ))}
      <MenuItem
        close={close}
        data={{
          id: 'subtitles-translate',
          role: 'menuitemcheckbox',
          'aria-checked': String(Boolean(s.translateToEnglish)),
        }}
        onSelect={() => void store.subtitles.choose(language, !s.translateToEnglish)}
      >
        {s.translateToEnglish ? <Check aria-hidden="true" /> : <Languages aria-hidden="true" />}{' '}
        {t('sub.translate')}
      </MenuItem>
      <MenuItem close={close} data={{ id: 'transcript-download' }} onSelect={() => void download()}>
        <FileDown aria-hidden="true" /> {t('sub.transcriptDownload')}
      </MenuItem>
    </>
  );
}
