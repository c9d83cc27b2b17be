// Before anything imports uWebSockets.js: is there a binary for this Node, is
// it the one pinned in uws-binaries.sha256 (the npm package is a third-party
// republish of upstream's builds, see docs/platform.md), and does it load
// here? Each failure is one sentence saying why and what to do, instead of
// the loader's stack.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PINS = fileURLToPath(new URL('./uws-binaries.sha256', import.meta.url));
/** Node majors by module ABI, for the sentences. */
const NODE_OF_ABI: Record<string, string> = { '115': '20', '127': '22', '137': '24', '141': '25' };

export class PlatformError extends Error {}

export interface UwsBinary {
  file: string;
  sha256: string;
}

function pins(path = PINS): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line.trim());
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

function glibcVersion(): string | null {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ?? null;
}

function supported(pinned: Map<string, string>): string {
  const majors = [...pinned.keys()]
    .map((f) => /_(\d+)\.node$/.exec(f)?.[1])
    .map((abi) => (abi ? NODE_OF_ABI[abi] : undefined))
    .filter(Boolean);
  return `Node ${majors.join(', ')} on ${process.platform}-${process.arch}`;
}

/**
 * Checks the binary this process would load; throws a PlatformError naming
 * the cause. `abi` (tests): check another Node's binary as if it were this one.
 */
export function checkUwsBinary(pinsFile = PINS, abi = process.versions.modules): UwsBinary {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('uWebSockets.js/package.json'));
  const name = `uws_${process.platform}_${process.arch}_${abi}.node`;
  const file = join(dir, name);
  const pinned = pins(pinsFile);
  const major = NODE_OF_ABI[abi];
  const node =
    abi === process.versions.modules
      ? `Node ${process.versions.node} (module ABI ${abi})`
      : `Node ${major ?? '?'} (module ABI ${abi})`;
  if (!existsSync(file)) {
    throw new PlatformError(
      `uWebSockets.js has no binary for ${node} on ${process.platform}-${process.arch}; this release runs on ${supported(pinned)}.`,
    );
  }
  const want = pinned.get(name);
  if (!want) {
    throw new PlatformError(
      `${node} is not one this release was checked on (no pinned SHA-256 for ${name}); it runs on ${supported(pinned)}.`,
    );
  }
  const sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (sha256 !== want) {
    throw new PlatformError(
      `${file} has SHA-256 ${sha256}, not the pinned ${want}: the uWebSockets.js binary was changed or republished; reinstall the release, or check the new binary and update app/platform/uws-binaries.sha256 (docs/platform.md).`,
    );
  }
  try {
    require(file);
  } catch (err) {
    const message = String((err as Error).message);
    const needs = /GLIBC_(\d+\.\d+)' not found/.exec(message)?.[1];
    if (needs) {
      throw new PlatformError(
        `The uWebSockets.js binary for ${node} needs glibc ${needs} but this system has ${glibcVersion() ?? 'an older one'} (Debian 12 has 2.36): run it on Node 20, or on a system with glibc ${needs} or newer such as Debian 13 (docs/platform.md).`,
      );
    }
    throw new PlatformError(
      `The uWebSockets.js binary ${file} does not load on ${node}: ${message.split('\n')[0]}`,
    );
  }
  return { file, sha256 };
}
