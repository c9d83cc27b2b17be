// The one way the browser is handed a file made on the page to save (a CSV,
// a transcript, the lesson chat's text, a board's PNG or PDF): a short-lived
// object URL (a minute: a large PDF may take a while to start).

/** A file name from a title, without the characters file systems refuse. */
export function fileNameOf(title: string, suffix: string): string {
  return `${title.replace(/[\\/:*?"<>|]+/g, ' ').trim()} ${suffix}`.trim();
}

export function saveFile(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
