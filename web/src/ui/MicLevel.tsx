// A live microphone level bar, so a person sees that the microphone hears them.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';

export function MicLevel({ stream }: { stream: MediaStream | null }) {
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const level = bar.current;
    if (!level) return;
    level.style.width = '0%';
    if (!stream || stream.getAudioTracks().length === 0) return;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    ctx.createMediaStreamSource(new MediaStream(stream.getAudioTracks())).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      level.style.width = `${Math.min(100, rms * 400)}%`;
      frame = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(frame);
      void ctx.close();
    };
  }, [stream]);
  return (
    <div class="meter" role="img" aria-label={t('check.level')}>
      <div id="meter-level" ref={bar} />
    </div>
  );
}
