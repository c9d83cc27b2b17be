// "Chrome, Android" from a browser's User-Agent: how a person recognises a
// device in «Мои устройства» and in their list of passkeys. Shared by the
// server (labels stored with a passkey) and the browser (the sessions list).

const BROWSERS: [RegExp, string][] = [
  [/YaBrowser/, 'Яндекс Браузер'],
  [/Edg\//, 'Edge'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X/, 'macOS'],
  [/Linux/, 'Linux'],
];

const first = (table: [RegExp, string][], agent: string) => table.find(([re]) => re.test(agent))?.[1] ?? '';

/** Browser and system named in a User-Agent, or '' when neither is known. */
export function deviceLabel(agent: string): string {
  return [first(BROWSERS, agent), first(SYSTEMS, agent)].filter(Boolean).join(', ');
}
