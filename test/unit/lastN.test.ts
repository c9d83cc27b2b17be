// The last-N choice on its own: who is held, given cameras in join order and
// the dominant speakers, most recent first.
import { describe, expect, it } from 'vitest';
import { SpeakerHistory, suppressedCameras } from '../../signaling/viewing/lastN.js';

const cams = (...ids: string[]) =>
  ids.map((id) => ({ participantId: id, alwaysForwarded: id.startsWith('t') }));

describe('last-N', () => {
  it('holds nobody when N is off or not exceeded, and never a teacher', () => {
    expect(suppressedCameras(cams('a', 'b', 'c'), [], 0)).toEqual([]);
    expect(suppressedCameras(cams('a', 'b'), [], 2)).toEqual([]);
    expect(suppressedCameras(cams('t1', 't2', 'a', 'b'), [], 2)).toEqual([]);
    expect(suppressedCameras(cams('t1', 'a', 'b', 'c'), ['t1'], 1)).toEqual(['b', 'c']);
  });

  it('forwards the most recent speakers first, then the earliest cameras', () => {
    const h = new SpeakerHistory();
    expect(suppressedCameras(cams('a', 'b', 'c', 'd'), h.recent, 2)).toEqual(['c', 'd']);
    expect(h.spoke('d')).toBe(true);
    expect(h.spoke('d')).toBe(false);
    expect(suppressedCameras(cams('a', 'b', 'c', 'd'), h.recent, 2)).toEqual(['b', 'c']);
    h.spoke('c');
    h.spoke('x'); // spoke, but shows no camera: takes no place
    expect(suppressedCameras(cams('a', 'b', 'c', 'd'), h.recent, 2)).toEqual(['a', 'b']);
    h.forget('c');
    expect(h.recent).toEqual(['x', 'd']);
    expect(suppressedCameras(cams('a', 'b', 'c', 'd'), h.recent, 2)).toEqual(['b', 'c']);
  });
});
