// Subtitles as a feature of the server: four requests (hosts turn them on
// or off; anyone opts in to the lines; anyone reads the state; hosts read
// the transcript so far), a listener
// on every room, the transcripts in the admin HTTP API, and metrics.
import type { Logger } from '../common/log.js';
import type { FileStorage } from '../common/storage/fileStorage.js';
import type { RoomFanout } from '../signaling/fanout/topics.js';
import { HttpError, sendJson } from '../signaling/http/httpUtil.js';
import type { Metrics } from '../signaling/metrics.js';
import type { Feature } from '../signaling/requests/features.js';
import type { Handlers } from '../signaling/requests/handlerTable.js';
import type { TranscriberConfig } from './config.js';
import { SubtitlesControl } from './subtitlesControl.js';
import { registerTranscriberMetrics } from './transcriberMetrics.js';
import { TranscriberService } from './transcriberService.js';
import { TranscriptStore } from './transcriptStore.js';

export type SubtitlesRequest = 'setSubtitles' | 'subscribeSubtitles' | 'getSubtitles' | 'getTranscript';

export interface SubtitlesFeatureDeps {
  config: TranscriberConfig;
  out: RoomFanout;
  metrics: Metrics;
  speakingThresholdDbov: number;
  /** Where transcripts are written and read (TRANSCRIPT_DIR or the shared bucket). */
  transcripts: FileStorage;
  log: Logger;
}

export interface SubtitlesFeature {
  feature: Feature<SubtitlesRequest>;
  service: TranscriberService;
  control: SubtitlesControl;
}

export function createSubtitlesFeature({
  config,
  out,
  metrics,
  speakingThresholdDbov,
  transcripts: files,
  log,
}: SubtitlesFeatureDeps): SubtitlesFeature {
  const service = new TranscriberService(config, log);
  registerTranscriberMetrics(service, metrics.registry);
  const control = new SubtitlesControl({
    service,
    config,
    out,
    speakingThresholdDbov,
    transcripts: files,
    log,
  });
  const transcripts = new TranscriptStore(files);
  const handlers: Handlers<SubtitlesRequest> = {
    setSubtitles: (ctx, req) => ({ subtitles: control.set(ctx.present(), req) }),
    subscribeSubtitles: (ctx, req) => ({ subtitles: control.subscribe(ctx.present(), req) }),
    getSubtitles: (ctx) => ({ subtitles: control.state(ctx.present()) }),
    getTranscript: (ctx, req) => ({ transcript: control.transcriptSoFar(ctx.present(), Boolean(req.vtt)) }),
  };
  const feature: Feature<SubtitlesRequest> = {
    name: 'subtitles',
    handlers,
    attach: (room) => control.attach(room),
    routes(router) {
      const admin = { admin: true };
      router.route('get', '/api/rooms/:id/transcripts', 'list_transcripts', admin, async (reply, req) => {
        const roomId = req.params[0]!;
        sendJson(reply, 200, { roomId, transcripts: await transcripts.list(roomId) });
      });
      router.route('get', '/api/rooms/:id/transcripts/:name', 'get_transcript', admin, async (reply, req) => {
        const found = await transcripts.read(req.params[0]!, req.params[1]!);
        if (!found) throw new HttpError(404, 'transcript not found');
        sendJson(reply, 200, found);
      });
    },
    async close() {
      await control.close();
      await service.close();
    },
  };
  return { feature, service, control };
}
