// The school's admin screens' API (`/api/school/...`), for the signed-in
// person's own school only: the school admin role for everything, a class
// teacher ('staff') for their own classes' view and code sheets. Roles are
// checked here, on the server, from the directory, never from the client.
import type { BotService } from '../messaging/bots.js';
import { ChatError, ChatErrorCode } from '../messaging/errors.js';
import { RETENTION_CHOICES, checkPolicy } from '../messaging/retention.js';
import type { RetentionStore } from '../messaging/store/retentionStore.js';
import { HttpError, sendJson } from '../signaling/http/httpUtil.js';
import type { HttpRouter } from '../signaling/http/router.js';
import { AccountError } from './errors.js';
import type { AccountHttp } from './http.js';
import type { People } from './people.js';
import { jsonBody, text } from './routes.js';
import type { SchoolAdmin } from './schoolAdmin.js';

// A school of a few thousand people as CSV is well under a megabyte.
const FILE_LIMIT = 32 * 1024 * 1024;

export function registerSchoolRoutes(d: {
  http: AccountHttp;
  admin: () => SchoolAdmin;
  /** The server's public address: code sheets print it, whatever address the admin's browser used. */
  publicUrl: () => string;
  retention: () => RetentionStore;
  bots: () => BotService;
  /** The chats of the school's directory (a bot may be given these only). */
  schoolChats: (school: string) => Promise<{ id: string; title: string }[]>;
}): void {
  const { http } = d;

  // The school's bots (messaging/bots.ts, docs/bots.md): the admin makes one
  // with the chats it may post in and hear, sees its token and secret once,
  // sets its webhook, changes its chats, disables or deletes it.
  const botAnswer = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ChatError) {
        const code = err.code === ChatErrorCode.CHAT_ERROR_USER_NOT_FOUND ? 'not_found' : 'bad_request';
        throw new AccountError(code, err.message);
      }
      throw err;
    }
  };
  /** The chats asked for, if they are a list of the school's directory's chats (a bot gets only those). */
  const schoolChatsOf = async (wanted: unknown, school: string): Promise<string[]> => {
    if (!Array.isArray(wanted) || wanted.some((c) => typeof c !== 'string')) {
      throw new AccountError('bad_request', 'chats must be a list of chat ids');
    }
    const own = new Set((await d.schoolChats(school)).map((c) => c.id));
    if (wanted.some((c) => !own.has(c)))
      throw new AccountError('bad_request', "a bot gets the school's chats only");
    return wanted as string[];
  };
  http.route('get', '/api/school/bots', 'school_bots', 'admin', async (reply, req) => {
    const [bots, chats] = await Promise.all([
      d.bots().list(req.person.schoolId),
      d.schoolChats(req.person.schoolId),
    ]);
    sendJson(reply, 200, { bots, chats });
  });
  http.route('post', '/api/school/bots', 'school_create_bot', 'admin', async (reply, req) => {
    const body = await jsonBody(req);
    const name = text(body, 'name', 64);
    const wanted = await schoolChatsOf(body.chats, req.person.schoolId);
    const made = await botAnswer(() => d.bots().create(req.person.schoolId, req.person.id, name, wanted));
    sendJson(reply, 201, made);
  });
  http.route('post', '/api/school/bots/:id', 'school_change_bot', 'admin', async (reply, req) => {
    const body = await jsonBody(req);
    const id = req.params[0] ?? '';
    const school = req.person.schoolId;
    const bots = d.bots();
    if (body.delete === true) {
      await botAnswer(() => bots.remove(school, id));
      sendJson(reply, 200, { deleted: true });
      return;
    }
    let bot = null;
    if (typeof body.webhookUrl === 'string') {
      const url = body.webhookUrl.trim();
      bot = await botAnswer(() => bots.setWebhook(school, id, url));
    }
    if (typeof body.disabled === 'boolean') {
      const disabled = body.disabled;
      bot = await botAnswer(() => bots.setDisabled(school, id, disabled));
    }
    if (body.chats !== undefined) {
      const wanted = await schoolChatsOf(body.chats, school);
      bot = await botAnswer(() => bots.setChats(school, id, wanted));
    }
    if (!bot) throw new AccountError('bad_request', 'say webhookUrl, disabled, chats or delete');
    sendJson(reply, 200, { bot });
  });

  // How long the school's chats keep messages (the default: everything).
  http.route('get', '/api/school/retention', 'school_retention', 'admin', async (reply, req) => {
    sendJson(reply, 200, {
      ...(await d.retention().policy(req.person.schoolId)),
      choices: RETENTION_CHOICES,
    });
  });
  http.route('post', '/api/school/retention', 'school_set_retention', 'admin', async (reply, req) => {
    const policy = checkPolicy(await jsonBody(req));
    if (!policy) throw new AccountError('bad_request', `days must be one of ${RETENTION_CHOICES.join(', ')}`);
    await d.retention().setPolicy(req.person.schoolId, policy, req.person.id, Date.now());
    sendJson(reply, 200, policy);
  });

  http.route('get', '/api/school', 'school_view', 'staff', async (reply, req) => {
    const view = { ...(await d.admin().view(req.person.schoolId)), signInUrl: `${d.publicUrl()}/login` };
    if (req.person.role !== 'admin') {
      // A class teacher sees their own classes, nothing else of the school.
      const own = new Set(req.person.leads);
      sendJson(reply, 200, {
        ...view,
        classes: view.classes.filter((c) => own.has(c.id)),
        teachers: [],
        staff: [],
        verifications: [],
      });
      return;
    }
    sendJson(reply, 200, view);
  });

  http.route(
    'post',
    '/api/school/import',
    'school_import',
    'admin',
    async (reply, req) => {
      const body = await req.body();
      if (body.length === 0) throw new AccountError('bad_request', 'the file is empty');
      const dryRun = /(^|&)dryRun=(1|true)(&|$)/.test(req.query);
      sendJson(reply, 200, await d.admin().importFile(req.person, body, dryRun));
    },
    FILE_LIMIT,
  );

  http.route('post', '/api/school/codes', 'school_codes', 'staff', async (reply, req) => {
    const body = await jsonBody(req);
    const ids = body.personIds;
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.length > 100 ||
      !ids.every((x) => typeof x === 'string')
    ) {
      throw new AccountError('bad_request', 'personIds must list 1-100 people');
    }
    sendJson(reply, 200, { codes: await d.admin().issue(req.person, ids as string[]) });
  });

  http.route('post', '/api/school/classes/:id/codes', 'school_class_codes', 'staff', async (reply, req) => {
    const body = await jsonBody(req);
    const who = body.who ?? 'all';
    if (who !== 'pupils' && who !== 'parents' && who !== 'all') {
      throw new AccountError('bad_request', 'who must be pupils, parents or all');
    }
    sendJson(
      reply,
      200,
      await d.admin().classSheet(req.person, req.params[0] ?? '', who, body.everyone === true),
    );
  });

  http.route('post', '/api/school/teachers/codes', 'school_teacher_codes', 'admin', async (reply, req) => {
    sendJson(reply, 200, await d.admin().teacherSheet(req.person));
  });

  for (const [path, on] of [
    ['deactivate', true],
    ['reactivate', false],
  ] as const) {
    http.route('post', `/api/school/people/:id/${path}`, `school_${path}`, 'admin', async (reply, req) => {
      await d.admin().setDeactivated(req.person, req.params[0] ?? '', on);
      sendJson(reply, 200, { ok: true });
    });
  }

  http.route('post', '/api/school/teachers', 'school_add_teacher', 'admin', async (reply, req) => {
    const body = await jsonBody(req);
    const added = await d.admin().addTeacher(req.person, {
      lastName: text(body, 'lastName', 64),
      firstName: text(body, 'firstName', 64),
      middleName: text(body, 'middleName', 64, false),
      phone: text(body, 'phone', 32, false),
      email: text(body, 'email', 254, false),
      admin: body.admin === true,
    });
    sendJson(reply, 200, { id: added.id });
  });

  http.route('post', '/api/school/pupils/:id/move', 'school_move_pupil', 'admin', async (reply, req) => {
    const body = await jsonBody(req);
    const report = await d.admin().movePupil(req.person, req.params[0] ?? '', text(body, 'classId', 128));
    sendJson(reply, 200, { changed: report.changed });
  });

  http.route('post', '/api/school/invitation', 'school_invitation', 'admin', async (reply, req) => {
    sendJson(reply, 200, await d.admin().newInvitation(req.person));
  });

  for (const [path, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    http.route(
      'post',
      `/api/school/verifications/:id/${path}`,
      `school_${path}`,
      'admin',
      async (reply, req) => {
        const r = await d.admin().decide(req.person, req.params[0] ?? '', approve);
        sendJson(reply, 200, { status: r.status });
      },
    );
  }
}

/**
 * For the school's own systems (ADMIN_SECRET): activation codes for people
 * of a school, e.g. to print them from the e-journal. People never need it.
 */
export function registerMachineRoutes(
  router: HttpRouter,
  d: { admin: () => SchoolAdmin; people: () => People },
): void {
  router.route('post', '/api/accounts/codes', 'accounts_codes', { admin: true }, async (reply, req) => {
    const body = await req.json();
    const { schoolId, personIds } = body;
    if (
      typeof schoolId !== 'string' ||
      !Array.isArray(personIds) ||
      personIds.length === 0 ||
      personIds.length > 1000
    ) {
      throw new HttpError(400, 'schoolId and personIds (1-1000) are required');
    }
    const machine = {
      id: 'admin-api',
      schoolId,
      schoolName: '',
      name: 'admin API',
      sort: '',
      role: 'admin' as const,
      classes: [],
      leads: [],
      children: [],
      verified: false,
      demo: false,
    };
    try {
      sendJson(reply, 200, { codes: await d.admin().issue(machine, personIds.map(String)) });
    } catch (err) {
      if (err instanceof AccountError) throw new HttpError(err.status, err.code);
      throw err;
    }
  });
}
