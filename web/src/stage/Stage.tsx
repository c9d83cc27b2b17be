// The stage: a gallery of tiles sized to fit, paged beyond one screen, or one
// big tile (a screen share, a pinned person, the speaker) with the others in
// a strip beside it (below it on a phone held upright).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { ChevronLeft, ChevronRight } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { useStore } from '../state/storeContext.js';
import { layout, pinned } from '../state/viewState.js';
import { Tile } from './Tile.js';
import { stageModes } from './modes.js';
import { type TileModel, buildTiles, galleryGrid, orderTiles } from './tiles.js';

const GAP = 8;
const PAGER_HEIGHT = 48;

function useSize(ref: { current: HTMLElement | null }): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the element is observed once, for its lifetime.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return size;
}

function toggleFullscreen(el: HTMLElement | null): void {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void el?.requestFullscreen?.().catch(() => {});
}

export function Stage() {
  const store = useStore();
  const stageRef = useRef<HTMLElement>(null);
  const { width, height } = useSize(stageRef);
  const [page, setPage] = useState(0);

  const tiles = buildTiles({
    self: store.roster.self.value,
    selfCameraOn: store.local.cameraOn.value,
    selfMicOn: store.local.micOn.value,
    location: store.roster.location.value,
    participants: store.roster.participants.value,
    media: store.stage.people.value,
    suppressed: store.stage.suppressedVideo.value,
  });
  const people = orderTiles(tiles, store.stage.lastSpoke.value, Date.now());
  const screens = tiles.filter((x) => x.screen);
  const pinnedTile = tiles.find((x) => x.key === pinned.value) ?? null;
  const mode = stageModes.find((m) => m.active(store)) ?? null;
  const useStageView =
    Boolean(mode || pinnedTile) ||
    (layout.value === 'speaker' && people.length > 1) ||
    (layout.value === 'auto' && screens.length > 0);

  const onPin = (key: string | null) => {
    pinned.value = key;
  };

  if (useStageView) {
    const speaker = people.find((x) => x.participantId === store.stage.activeSpeakerId.value && !x.self);
    const main: TileModel | null = mode
      ? null
      : (pinnedTile ?? screens[0] ?? speaker ?? people.find((x) => !x.self) ?? people[0] ?? null);
    const strip = [...screens, ...people].filter((x) => x !== main);
    const side = width > height * 1.2;
    return (
      <section ref={stageRef} id="stage" class="stage" aria-label={t('stage.label')}>
        <div class={`stage-view ${side ? 'strip-side' : 'strip-below'}`}>
          <div class="stage-main">
            {mode ? (
              <mode.component />
            ) : main ? (
              <Tile
                tile={main}
                size="stage"
                pinned={pinned.value === main.key}
                onPin={onPin}
                onFullscreen={() => toggleFullscreen(stageRef.current)}
              />
            ) : null}
          </div>
          {strip.length ? (
            <div class="strip" aria-label={t('stage.strip')}>
              {strip.map((tile) => (
                <Tile
                  key={tile.key}
                  tile={tile}
                  size="strip"
                  pinned={pinned.value === tile.key}
                  onPin={onPin}
                />
              ))}
            </div>
          ) : null}
        </div>
        <Caption />
      </section>
    );
  }

  const phone = width < 600;
  const options = phone
    ? { minWidth: 150, minHeight: 110, maxPerPage: 6, gap: GAP }
    : { minWidth: 220, minHeight: 130, maxPerPage: 25, gap: GAP };
  let grid = galleryGrid(people.length, width, height, options);
  const pages = Math.max(1, Math.ceil(people.length / grid.perPage));
  if (pages > 1) grid = galleryGrid(grid.perPage, width, height - PAGER_HEIGHT, options);
  const perPage = grid.perPage;
  const pageCount = Math.max(1, Math.ceil(people.length / perPage));
  const current = Math.min(page, pageCount - 1);
  const shown = people.slice(current * perPage, current * perPage + perPage);
  const cols = Math.min(grid.cols, Math.max(1, shown.length));
  const rows = Math.max(1, Math.ceil(shown.length / cols));

  return (
    <section ref={stageRef} id="stage" class="stage" aria-label={t('stage.label')}>
      <div
        class="grid"
        style={{
          gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`,
          gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))`,
          bottom: pageCount > 1 ? `${PAGER_HEIGHT}px` : '0',
        }}
      >
        {shown.map((tile) => (
          <Tile key={tile.key} tile={tile} size="grid" pinned={false} onPin={onPin} />
        ))}
      </div>
      {people.length <= 1 ? <p class="alone">{t('stage.alone')}</p> : null}
      {pageCount > 1 ? (
        <nav class="pager" aria-label={t('stage.page', { page: current + 1, pages: pageCount })}>
          <button
            type="button"
            class="icon-only"
            id="stage-prev"
            aria-label={t('stage.prev')}
            title={t('stage.prev')}
            disabled={current === 0}
            onClick={() => setPage(current - 1)}
          >
            <ChevronLeft aria-hidden="true" />
          </button>
          <span>{t('stage.page', { page: current + 1, pages: pageCount })}</span>
          <button
            type="button"
            class="icon-only"
            id="stage-next"
            aria-label={t('stage.next')}
            title={t('stage.next')}
            disabled={current >= pageCount - 1}
            onClick={() => setPage(current + 1)}
          >
            <ChevronRight aria-hidden="true" />
          </button>
        </nav>
      ) : null}
      <Caption />
    </section>
  );
}

/** The subtitle lines over the stage (each speaker's latest), when this person shows them. */
function Caption() {
  const store = useStore();
  const captions = store.subtitles.captions.value;
  if (!store.subtitles.state.value.subscribed || captions.length === 0) return null;
  return (
    <div class="caption-line" id="captions" aria-live="polite">
      {captions.map((c) => (
        <p key={c.participantId} class={c.final ? 'caption final' : 'caption partial'}>
          <span {...userText('caption-speaker')}>{c.name}</span>: <span {...userText()}>{c.text}</span>
        </p>
      ))}
    </div>
  );
}
