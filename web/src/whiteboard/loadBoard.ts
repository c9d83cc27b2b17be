// Loads the board's drawing part once: its style sheets (Excalidraw's and
// ours on top) and its code, in chunks of their own, all from this server.
// EXCALIDRAW_ASSET_PATH makes Excalidraw take its fonts from here too.
type BoardPart = typeof import('./lazy/board.js');

const ASSETS = '/static/excalidraw/';
let loading: Promise<BoardPart> | null = null;

function styleSheet(href: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error(`cannot load ${href}`));
    document.head.append(link);
  });
}

function useOurAssets(): void {
  (window as unknown as { EXCALIDRAW_ASSET_PATH: string }).EXCALIDRAW_ASSET_PATH = ASSETS;
}

export function loadBoardPart(): Promise<BoardPart> {
  if (!loading) {
    useOurAssets();
    loading = Promise.all([
      styleSheet(`${ASSETS}excalidraw.css`).then(() => styleSheet('/static/board.css')),
      import('./lazy/board.js'),
    ]).then(([, part]) => part);
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** Only the export (Excalidraw's drawing of a scene, jsPDF, Yjs), for the saved boards' page. */
export function loadExporter(): Promise<typeof import('./lazy/exporter.js')> {
  useOurAssets();
  return import('./lazy/exporter.js');
}
