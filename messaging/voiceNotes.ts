// Voice and round video messages get their text from the transcriber (when a
// Whisper model is configured): after the message is stored, the recording is
// transcribed in the background and the message is changed to carry the text
// (an ordinary change: every member's client gets it, in rev order). A
// recording that cannot be transcribed keeps its message, without text.
import type { Logger } from '../common/log.js';
import type { FileStorage } from '../common/storage/fileStorage.js';
import type { MessageService, VoiceTranscriber } from './messages.js';
import type { StoredAttachment, StoredMember } from './records.js';

/** What the transcriber gives the messenger: a file's text. */
export interface SpeechToText {
  usable(): boolean;
  text(path: string): Promise<string>;
}

// The server reads the message as a member who sees everything.
const READER: StoredMember = { role: 'admin', source: 'directory', joinedAt: 0, visibleFrom: 1 };

export class VoiceNotes implements VoiceTranscriber {
  constructor(
    private readonly messages: MessageService,
    private readonly storage: FileStorage,
    private readonly speech: SpeechToText,
    private readonly log: Logger,
  ) {}

  usable(): boolean {
    return this.speech.usable();
  }

  transcribe(chatId: string, seq: number, file: StoredAttachment): void {
    void this.run(chatId, seq, file);
  }

  private async run(chatId: string, seq: number, file: StoredAttachment): Promise<void> {
    let text = '';
    try {
      text = (await this.storage.withLocalFile(file.id, (path) => this.speech.text(path))).trim();
    } catch (err) {
      this.log.warn({ err, chatId, seq }, 'voice message not transcribed');
    }
    try {
      await this.messages.mutate(chatId, seq, READER, (m) =>
        m.deleted || !m.transcribing
          ? null
          : { next: { ...m, transcript: text, transcribing: false }, flag: '' },
      );
    } catch (err) {
      this.log.warn({ err, chatId, seq }, 'cannot store a voice message text');
    }
  }
}
