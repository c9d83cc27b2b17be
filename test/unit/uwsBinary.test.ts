// The start-up check of the uWebSockets.js binary: the one in use matches its
// pinned SHA-256 and loads; a changed binary, an unpinned Node, or a binary
// this system's glibc cannot load each stop the start with a sentence saying why.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlatformError, checkUwsBinary } from '../../app/platform/uwsBinary.js';

const PINS = join(import.meta.dirname, '../../app/platform/uws-binaries.sha256');
const dir = mkdtempSync(join(tmpdir(), 'uws-pins-'));
afterAll(() => rmSync(dir, { recursive: true }));

function pinsFile(text: string): string {
  const path = join(dir, `${Math.random()}.sha256`);
  writeFileSync(path, text);
  return path;
}

describe('the uWebSockets.js binary', () => {
  it('in use here is the pinned one, and loads', () => {
    const found = checkUwsBinary();
    expect(found.file).toMatch(new RegExp(`uws_linux_x64_${process.versions.modules}\\.node$`));
    expect(readFileSync(PINS, 'utf8')).toContain(found.sha256);
  });

  it('is refused when it differs from the pin', () => {
    const name = `uws_linux_x64_${process.versions.modules}.node`;
    const path = pinsFile(`${'0'.repeat(64)}  ${name}\n`);
    expect(() => checkUwsBinary(path)).toThrow(PlatformError);
    expect(() => checkUwsBinary(path)).toThrow(
      /not the pinned 0{64}: the uWebSockets\.js binary was changed/,
    );
  });

  it('is refused on a Node the release was not checked on', () => {
    expect(() => checkUwsBinary(pinsFile(''))).toThrow(/is not one this release was checked on/);
    expect(() => checkUwsBinary(PINS, '999')).toThrow(/has no binary for Node \? \(module ABI 999\)/);
  });

  it("for Node 22 says what it needs when this system's glibc is older", () => {
    const glibc = (process.report.getReport() as { header: { glibcVersionRuntime: string } }).header
      .glibcVersionRuntime;
    const old = Number(glibc.split('.')[1]) < 38;
    const attempt = () => checkUwsBinary(PINS, '127');
    if (old) {
      expect(attempt).toThrow(
        `needs glibc 2.38 but this system has ${glibc} (Debian 12 has 2.36): run it on Node 20, or on a system with glibc 2.38 or newer`,
      );
    } else {
      // A newer glibc loads it, and then Node refuses another ABI's module.
      expect(attempt).toThrow(/does not load on Node 22/);
    }
  });
});
