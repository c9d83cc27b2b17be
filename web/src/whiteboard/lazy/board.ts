// The drawing part of the board, loaded only when a board is shown: React
// and Excalidraw mounted into the element the stage gives, bound to the
// board's Yjs document. Pupils without rights see the board in Excalidraw's
// view mode; the teacher's laser pointer shows as a trail for everyone; the
// host who opened the board also sends it as video (boardVideo.ts). Its
// fonts and translations are served by our server (EXCALIDRAW_ASSET_PATH is
// set before this module loads), nothing comes from the internet.
import { Excalidraw, MainMenu, getCommonBounds, getVisibleSceneBounds } from '@excalidraw/excalidraw';
import type { AppState, Collaborator, ExcalidrawImperativeAPI, SocketId } from '@excalidraw/excalidraw/types';
import { effect } from '@preact/signals';
import { createElement, useEffect, useState } from 'react';
import { type Root, createRoot } from 'react-dom/client';
import { lang } from '../../i18n/index.js';
import type { BoardSession } from '../../state/boardSession.js';
import { BoardVideo } from './boardVideo.js';
import { DocSync, type pb } from './docSync.js';
import { Pictures } from './pictures.js';
import { SceneBinding } from './sceneBinding.js';

const POINTER_EVERY_MS = 50;
/** A watcher's view follows the drawing this long after it changed. */
const FOLLOW_AFTER_MS = 300;
const LASER_COLOUR = '#e03131';

/** What the stage's own buttons do with a mounted board. */
export interface BoardHandle {
  goTo(pageId: string): void;
  addPage(): void;
  fit(): void;
  api(): ExcalidrawImperativeAPI | null;
  binding(): SceneBinding | null;
  pictures(): Pictures;
  unmount(): void;
}

export interface MountOptions {
  /** A refusal from the server, to show as a toast. */
  onError(err: unknown): void;
}

const syncs = new WeakMap<BoardSession, DocSync>();

/** The board's document for this call, made once and kept while the page lives (the board may be shown and hidden). */
export function docSyncOf(session: BoardSession): DocSync {
  let sync = syncs.get(session);
  if (!sync) {
    sync = new DocSync(session);
    syncs.set(session, sync);
    session.attach(sync);
  }
  return sync;
}

function useSignal<T>(read: () => T): T {
  const [value, setValue] = useState(read);
  useEffect(() => effect(() => setValue(read())), [read]);
  return value;
}

/** The whole drawing in view with a margin, never magnified past its real size. */
function showAll(api: ExcalidrawImperativeAPI): void {
  api.scrollToContent(undefined, { fitToViewport: true, viewportZoomFactor: 0.9, maxZoom: 1, animate: true });
}

/** Whether the whole drawing is inside the view. */
function allInView(api: ExcalidrawImperativeAPI): boolean {
  const elements = api.getSceneElements();
  if (elements.length === 0) return true;
  const [x1, y1, x2, y2] = getCommonBounds(elements);
  const [vx1, vy1, vx2, vy2] = getVisibleSceneBounds(api.getAppState());
  return x1 >= vx1 && y1 >= vy1 && x2 <= vx2 && y2 <= vy2;
}

export function mountBoard(el: HTMLElement, session: BoardSession, options: MountOptions): BoardHandle {
  const sync = docSyncOf(session);
  let api: ExcalidrawImperativeAPI | null = null;
  let binding: SceneBinding | null = null;
  const pictures = new Pictures(session, sync, () => api, options.onError);
  const collaborators = new Map<SocketId, Collaborator>();
  let lastPointerAt = 0;
  let laserOn = false;
  // Excalidraw replaces its scene with its initial data once it has started, so the board's
  // content goes in as that initial data, given as soon as the binding exists.
  let giveInitial: (scene: { elements: readonly unknown[]; scrollToContent: boolean }) => void = () => {};
  const initialData = new Promise<{ elements: readonly unknown[]; scrollToContent: boolean }>((resolve) => {
    giveInitial = resolve;
  });

  const ready = (a: ExcalidrawImperativeAPI) => {
    if (api) return;
    api = a;
    binding = new SceneBinding(a, sync, {
      pages: (pages, current) => {
        session.pages.value = pages;
        session.page.value = current;
        pictures.fetchMissing();
        followContent();
      },
    });
    sync.listeners = {
      reset: () => {
        binding?.reset();
        pictures.fetchMissing();
      },
      pointer: (p) => showPointer(p),
      refused: (err) => options.onError(err),
    };
    binding.reset();
    giveInitial({ elements: binding.elementsOf(binding.currentPage), scrollToContent: true });
    pictures.fetchMissing();
  };

  /** Someone who only watches sees all of the drawing: their view follows it when it grows out of sight. */
  let followTimer: ReturnType<typeof setTimeout> | null = null;
  const followContent = () => {
    if (session.mayDraw.value || followTimer) return;
    followTimer = setTimeout(() => {
      followTimer = null;
      if (api && !allInView(api)) showAll(api);
    }, FOLLOW_AFTER_MS);
  };

  const showPointer = (p: pb.IWhiteboardPointer) => {
    if (!api || (p.page && p.page !== binding?.currentPage)) return;
    const id = (p.participantId ?? '') as SocketId;
    if (p.gone) collaborators.delete(id);
    else
      collaborators.set(id, {
        username: p.displayName ?? '',
        pointer: { x: p.x ?? 0, y: p.y ?? 0, tool: p.laser ? 'laser' : 'pointer', laserColor: LASER_COLOUR },
        button: p.pressed ? 'down' : 'up',
        color: { background: LASER_COLOUR, stroke: LASER_COLOUR },
      });
    api.updateScene({ collaborators: new Map(collaborators) });
  };

  /** The teacher's laser goes to everyone; other pointers stay here. */
  const onPointerUpdate = (payload: {
    pointer: { x: number; y: number; tool: 'pointer' | 'laser' };
    button: 'down' | 'up';
  }) => {
    if (!session.isModerator.value) return;
    const laser = payload.pointer.tool === 'laser';
    if (!laser && !laserOn) return;
    const now = Date.now();
    if (laser && now - lastPointerAt < POINTER_EVERY_MS && payload.button === 'down') return;
    lastPointerAt = now;
    laserOn = laser;
    void session.call
      .request({
        whiteboardPointer: {
          x: payload.pointer.x,
          y: payload.pointer.y,
          laser,
          pressed: payload.button === 'down',
          gone: !laser,
          page: binding?.currentPage ?? '',
        },
      })
      .catch(() => undefined);
  };

  const onChange = (
    elements: Parameters<SceneBinding['onChange']>[0],
    appState: AppState,
    files: Parameters<Pictures['onFiles']>[0],
  ) => {
    binding?.onChange(elements, appState);
    pictures.onFiles(files);
  };

  function BoardView() {
    const mayDraw = useSignal(() => session.mayDraw.value);
    const moderator = useSignal(() => session.isModerator.value);
    const language = useSignal(() => lang.value);
    return createElement(
      Excalidraw,
      {
        excalidrawAPI: ready,
        initialData: initialData as never,
        onChange,
        onPointerUpdate,
        viewModeEnabled: !mayDraw,
        isCollaborating: true,
        theme: 'light',
        langCode: language === 'ru' ? 'ru-RU' : 'en',
        autoFocus: false,
        handleKeyboardGlobally: false,
        aiEnabled: false,
        UIOptions: {
          canvasActions: {
            loadScene: false,
            saveToActiveFile: false,
            export: false,
            saveAsImage: false,
            toggleTheme: null,
            changeViewBackgroundColor: false,
            clearCanvas: moderator,
          },
          tools: { image: mayDraw },
        },
      },
      createElement(
        MainMenu,
        null,
        moderator ? createElement(MainMenu.DefaultItems.ClearCanvas) : null,
        createElement(MainMenu.DefaultItems.Help),
      ),
    );
  }

  const root: Root = createRoot(el);
  root.render(createElement(BoardView));
  // The host who opened the board sends it as video while it is open.
  const video = new BoardVideo(el, session.media, options.onError);
  const stopVideo = effect(() => {
    const state = session.state.value;
    const me = session.self.value?.participantId;
    if (state.open && me && state.openedBy === me) video.start();
    else video.stop();
  });
  // For tests and diagnostics, as window.schoolCall is for the call.
  (window as unknown as { schoolBoard: unknown }).schoolBoard = {
    elements: () => sync.doc.getMap('elements').toJSON(),
    ink: () => sync.doc.getMap('ink').toJSON(),
    scenePoints: (id: string) => {
      const el: unknown = api?.getSceneElements().find((e: { id: string }) => e.id === id);
      const points = (el as { points?: unknown[] } | undefined)?.points;
      return points ? points.length : -1;
    },
    sceneCount: () => api?.getSceneElements().length ?? 0,
    page: () => binding?.currentPage ?? '',
    allInView: () => (api ? allInView(api) : false),
    sendsVideo: () => video.publishing,
  };

  return {
    goTo: (pageId) => binding?.goTo(pageId),
    addPage: () => {
      const pages = session.pages.value;
      let n = pages.length + 1;
      while (pages.some((p) => p.id === `p${n}`)) n++;
      binding?.goTo(`p${n}`);
    },
    fit: () => {
      if (api) showAll(api);
    },
    api: () => api,
    binding: () => binding,
    pictures: () => pictures,
    unmount() {
      if (followTimer) clearTimeout(followTimer);
      stopVideo();
      video.stop();
      sync.listeners = null;
      binding?.dispose();
      root.unmount();
    },
  };
}
