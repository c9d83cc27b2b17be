// The install as a school's IT person gets it, in a folder instead of / (no
// systemd here: each unit's command line runs under the same restart rules by
// test/helpers/unitRunner.ts): a built release of compiled JavaScript with no
// dev dependency, settings generated with secrets and documented, units that
// restart on failure with the open-file limit; the installed server starts
// from its unit's command line and serves a call; /readyz turns 503 when its
// Redis stops and 200 when it is back; a SIGKILLed server is started again by
// its supervisor; coturn gets its secret from a 0600 file, not its command line;
// another build of the same version does not replace the installed one.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../app/settings.js';
import { type Installed, buildRelease, install, removeInstalls, until } from '../helpers/installed.js';
import { postgresUnit } from '../helpers/installedChat.js';
import { TestClient, opusRtpParameters, pb } from '../helpers/protocolClient.js';
import { redisAvailable } from '../helpers/redis.js';
import { type SupervisedUnit, effectiveNofile, hardNofile, readUnit } from '../helpers/unitRunner.js';

let root: Installed;
let redis: SupervisedUnit;
let postgres: SupervisedUnit;
let server: SupervisedUnit;
const clients: TestClient[] = [];

beforeAll(async () => {
  root = await install(await buildRelease());
}, 240_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.stop();
  await redis?.stop();
  await postgres?.stop();
  await removeInstalls();
}, 180_000);

const ready = async (base = root.metricsUrl) => (await fetch(`${base}/readyz`)).status;

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe.skipIf(!redisAvailable())('an install', () => {
  it('puts a compiled release, documented settings with secrets, and units in their places', () => {
    const current = join(root.prefix, 'opt/school-call/current');
    expect(existsSync(join(current, 'app/main.js'))).toBe(true);
    expect(existsSync(join(current, 'web/dist/index.html'))).toBe(true);
    const code = allFiles(join(current, 'app')).concat(allFiles(join(current, 'signaling')));
    expect(code.filter((f) => f.endsWith('.ts'))).toEqual([]);
    for (const dev of ['tsx', 'typescript', 'vitest', '@biomejs', 'esbuild', 'playwright-core']) {
      expect(existsSync(join(current, 'node_modules', dev)), dev).toBe(false);
    }
    // Every file as built: the manifest checks.
    execFileSync('sha256sum', ['--quiet', '-c', 'MANIFEST.sha256'], { cwd: current });

    const envFile = join(root.prefix, 'etc/school-call/school-call.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o640);
    const text = readFileSync(envFile, 'utf8');
    expect(root.env.ADMIN_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(root.env.TOKEN_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(root.env.REDIS_URL).toBe(join(root.prefix, 'run/school-call/redis.sock'));
    // Documented: each setting with its meaning, the unset ones commented out at their default.
    for (const s of SETTINGS.values()) {
      expect(text).toContain(
        `# ${s.about} (default: ${s.default})\n${s.name in root.env ? '' : '#'}${s.name}=`,
      );
    }
    expect(text).toMatch(/^DEMO_SCHOOL=0$/m);

    const unit = readFileSync(root.unit('school-call.service'), 'utf8');
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
    expect(unit).toMatch(/^LimitNOFILE=65536$/m);
    expect(unit).toMatch(/^User=school-call$/m);
    expect(unit).toContain(`ExecStart=/usr/bin/node --enable-source-maps ${current}/app/main.js`);
    expect(readFileSync(root.unit('school-call-redis.service'), 'utf8')).toMatch(/^Restart=always$/m);
    expect(readFileSync(root.unit('school-call-postgres.service'), 'utf8')).toMatch(/^Restart=on-failure$/m);
    expect(root.env.DATABASE_URL).toBe(
      `postgresql://school_call@/school_call?host=${join(root.prefix, 'run/school-call')}`,
    );
    expect(readFileSync(join(root.prefix, 'etc/sysctl.d/60-school-call.conf'), 'utf8')).toContain(
      'net.ipv4.ip_local_reserved_ports = 20000-32767',
    );
  });

  it('starts from its units and serves a call', async () => {
    redis = root.run('school-call-redis.service');
    await redis.started(1);
    postgres = postgresUnit(root);
    await postgres.started(1);
    await postgres.startPost();
    server = root.run('school-call.service');
    await server.started(1);
    // ExecStartPost: "started" means /readyz said 200.
    await server.startPost();
    expect(await ready()).toBe(200);
    // The open-file limit of the unit (65536), as the server process has it; a
    // sandbox that caps every process lower (this one: 20000, even for root)
    // gets its cap. prlimit sets it and execs: the supervisor's child is the server.
    const nofile = effectiveNofile(readUnit(root.unit('school-call.service')));
    expect(nofile).toBe(Math.min(65536, hardNofile()));
    const limits = readFileSync(`/proc/${server.pids[0]}/limits`, 'utf8');
    expect(limits).toMatch(new RegExp(`Max open files\\s+${nofile}\\s+${nofile}`));

    const admin = { authorization: `Bearer ${root.env.ADMIN_SECRET}`, 'content-type': 'application/json' };
    const created = await fetch(`${root.httpUrl}/api/rooms`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ id: 'maths', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
    const token = async (name: string, role: string) => {
      const res = await fetch(`${root.httpUrl}/api/rooms/maths/tokens`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ displayName: name, role }),
      });
      return ((await res.json()) as { token: string }).token;
    };
    const teacher = await TestClient.connect(root.wsUrl);
    const pupil = await TestClient.connect(root.wsUrl);
    clients.push(teacher, pupil);
    await teacher.request({ join: { roomId: 'maths', token: await token('Учитель', 'host') } });
    const joined = await pupil.request({
      join: { roomId: 'maths', token: await token('Ученик', 'participant') },
    });
    const send = await teacher.request({
      createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_SEND },
    });
    const produced = await teacher.request({
      produce: {
        transportId: send.webrtcTransport!.transportId!,
        kind: pb.MediaKind.MEDIA_KIND_AUDIO,
        source: pb.MediaSource.MEDIA_SOURCE_MICROPHONE,
        rtpParameters: opusRtpParameters(424242),
      },
    });
    await pupil.waitForEvent((e) => e.producerAdded?.producer?.producerId === produced.produce?.producerId);
    const recv = await pupil.request({
      createWebrtcTransport: { direction: pb.TransportDirection.TRANSPORT_DIRECTION_RECV },
    });
    expect(recv.webrtcTransport?.iceCandidates?.[0]?.port).toBe(Number(root.env.RTC_BASE_PORT));
    const consumed = await pupil.request({
      consume: {
        transportId: recv.webrtcTransport!.transportId,
        producerId: produced.produce!.producerId,
        rtpCapabilities: joined.join!.routerRtpCapabilities,
      },
    });
    expect(consumed.consume?.kind).toBe(pb.MediaKind.MEDIA_KIND_AUDIO);
  });

  it('is not ready while its Redis is stopped, and ready again when it is back', async () => {
    await redis.stop();
    await until(async () => (await ready()) === 503, 'readyz 503');
    const body = (await (await fetch(`${root.metricsUrl}/readyz`)).json()) as { reasons: string[] };
    expect(body.reasons).toContain('Redis does not answer');
    redis = root.run('school-call-redis.service');
    await redis.started(1);
    await until(async () => (await ready()) === 200, 'readyz 200 again');
  });

  it('is started again by its supervisor after a SIGKILL', async () => {
    process.kill(server.pids[0]!, 'SIGKILL');
    const second = await server.started(2);
    expect(second).not.toBe(server.pids[0]);
    await until(async () => (await ready()) === 200, 'readyz 200 after the restart');
    expect(
      (
        await fetch(`${root.httpUrl}/api/rooms/maths`, {
          headers: { authorization: `Bearer ${root.env.ADMIN_SECRET}` },
        })
      ).status,
    ).toBe(200);
  });

  it('runs coturn with its secret in a 0600 file, never on its command line', async () => {
    const turn = root.run('school-call-turn.service');
    try {
      const pid = await turn.started(1);
      const conf = join(root.prefix, 'run/school-call-turn/turnserver.conf');
      await until(async () => readFileSync(conf, 'utf8').includes('simple-log'), 'coturn configuration');
      expect(statSync(conf).mode & 0o777).toBe(0o600);
      expect(readFileSync(conf, 'utf8')).toContain(`static-auth-secret=${root.env.TURN_SECRET}`);
      await until(async () => {
        const out = execFileSync('ss', ['-lnu'], { encoding: 'utf8' });
        return out.includes(`:${root.env.TURN_PORT} `);
      }, 'coturn listening');
      for (const p of [pid, ...descendants(pid)]) {
        const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
        expect(cmdline).not.toContain(root.env.TURN_SECRET!);
      }
    } finally {
      await turn.stop();
    }
  });

  it('another build of the same version (main moved, the version did not) goes beside the installed one, which stays as the way back', async () => {
    const built = realpathSync(join(root.prefix, 'opt/school-call/current'));
    const meta = JSON.parse(readFileSync(join(built, 'release.json'), 'utf8')) as {
      version: string;
      commit: string;
    };
    const other = mkdtempSync(join(tmpdir(), 'school-call-release-b-'));
    const prefix = mkdtempSync(join(tmpdir(), 'school-call-root-b-'));
    try {
      cpSync(built, other, { recursive: true, verbatimSymlinks: true });
      writeFileSync(join(other, 'release.json'), `${JSON.stringify({ ...meta, commit: 'b'.repeat(40) })}\n`);
      execFileSync(
        'bash',
        [
          '-c',
          "find . -type f ! -name MANIFEST.sha256 -printf '%P\\n' | sort | xargs -d '\\n' sha256sum > MANIFEST.sha256",
        ],
        { cwd: other },
      );
      await install(built, {}, prefix);
      await install(other, {}, prefix);
      const releases = join(prefix, 'opt/school-call/releases');
      expect(readdirSync(releases).sort()).toEqual([meta.version, `${meta.version}-bbbbbbbbbbbb`]);
      expect(readlinkSync(join(prefix, 'opt/school-call/current'))).toBe(
        `releases/${meta.version}-bbbbbbbbbbbb`,
      );
      expect(JSON.parse(readFileSync(join(releases, meta.version, 'release.json'), 'utf8')).commit).toBe(
        meta.commit,
      );
      // The same build again changes nothing.
      await install(other, {}, prefix);
      expect(readdirSync(releases).sort()).toEqual([meta.version, `${meta.version}-bbbbbbbbbbbb`]);
    } finally {
      rmSync(other, { recursive: true, force: true });
      rmSync(prefix, { recursive: true, force: true });
    }
  }, 240_000);
});

function descendants(pid: number): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
    const kids = out
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter(Boolean);
    return kids.flatMap((k) => [k, ...descendants(k)]);
  } catch {
    return [];
  }
}
