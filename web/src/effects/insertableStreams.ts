// Chromium's breakout box (MediaStreamTrackProcessor / Generator): a track's
// frames as a stream, and a track made from a stream. TypeScript's DOM
// library does not declare them yet.

interface TrackProcessor {
  readonly readable: ReadableStream<VideoFrame>;
}

interface TrackGenerator extends MediaStreamTrack {
  readonly writable: WritableStream<VideoFrame>;
}

interface BreakoutBox {
  MediaStreamTrackProcessor?: new (init: {
    track: MediaStreamTrack;
    maxBufferSize?: number;
  }) => TrackProcessor;
  MediaStreamTrackGenerator?: new (init: { kind: 'video' }) => TrackGenerator;
}

/** The processor's frames and a generator's track, or null where the browser has no breakout box. */
export function breakoutBox(track: MediaStreamTrack): {
  readable: ReadableStream<VideoFrame>;
  writable: WritableStream<VideoFrame>;
  output: MediaStreamTrack;
} | null {
  const g = globalThis as BreakoutBox;
  if (!g.MediaStreamTrackProcessor || !g.MediaStreamTrackGenerator) return null;
  // One frame buffered: a slow frame means the next one is the newest, not a queue.
  const processor = new g.MediaStreamTrackProcessor({ track, maxBufferSize: 1 });
  const generator = new g.MediaStreamTrackGenerator({ kind: 'video' });
  return { readable: processor.readable, writable: generator.writable, output: generator };
}

export function hasBreakoutBox(): boolean {
  const g = globalThis as BreakoutBox;
  return Boolean(g.MediaStreamTrackProcessor && g.MediaStreamTrackGenerator);
}
