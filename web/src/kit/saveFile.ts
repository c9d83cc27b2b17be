// The one way the browser is handed a file to save: one made on the page (a
// CSV, a transcript, the lesson chat's text, a board's PNG or PDF) through a
// short-lived object URL (a minute: a large PDF may take a while to start),
// or one the server serves at a link (a recording's signed link).

/** A file name from a title, without the characters file systems refuse. */
export function fileNameOf(title: string, suffix: string): string {
  return `${title.replace(/[\\/:*?"<>|]+/g, ' ').trim()} ${suffix}`.trim();
}

export function saveFile(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  saveLink(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Downloads what `url` serves (same origin), under `name` or the server's own name. */
export function saveLink(url: string, name = ''): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
