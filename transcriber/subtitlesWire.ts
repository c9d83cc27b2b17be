// Subtitle state and lines in wire form.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import type { SubtitleEvent } from './roomTranscription.js';
import type { WhisperLanguage } from './whisperEngine.js';

import pb = schoolcall.v1;

const TO_WIRE: Record<WhisperLanguage, pb.SubtitleLanguage> = {
  ru: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_RU,
  en: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_EN,
  auto: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_AUTO,
};

/** The language a request asks for; null for a value this server does not know. */
export function languageFromWire(
  value: number | null | undefined,
  fallback: WhisperLanguage,
): WhisperLanguage | null {
  if (!value) return fallback;
  const found = (Object.keys(TO_WIRE) as WhisperLanguage[]).find((k) => TO_WIRE[k] === value);
  return found ?? null;
}

export function languageToWire(language: WhisperLanguage): pb.SubtitleLanguage {
  return TO_WIRE[language];
}

export function subtitleLineToWire(e: SubtitleEvent): pb.ISubtitleLine {
  return {
    participantId: e.participantId,
    speakerName: e.speaker,
    index: e.index,
    text: e.text,
    startMs: e.startMs,
    endMs: e.endMs,
    final: e.final,
    language: e.language,
    dropped: e.dropped,
  };
}
