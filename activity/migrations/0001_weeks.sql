-- Activity figures (#27): counts per person-week and school-week, never a
-- message's content. A week is named by its Monday (Moscow time).

CREATE TABLE activity.person_week (
  school text NOT NULL,
  week date NOT NULL,
  person text NOT NULL,
  -- Messages written in group chats (not direct, lesson or comment chats).
  group_messages integer NOT NULL DEFAULT 0,
  -- Lessons (calls) attended, and those of them led (host or co-host).
  calls_joined integer NOT NULL DEFAULT 0,
  calls_led integer NOT NULL DEFAULT 0,
  call_seconds bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (school, week, person)
);

CREATE TABLE activity.school_week (
  school text NOT NULL,
  week date NOT NULL,
  lessons integer NOT NULL DEFAULT 0,
  lesson_seconds bigint NOT NULL DEFAULT 0,
  attendees integer NOT NULL DEFAULT 0,
  PRIMARY KEY (school, week)
);

-- Group chats written in that week (for "chats per teacher"): a count, no content.
CREATE TABLE activity.chat_week (
  school text NOT NULL,
  week date NOT NULL,
  chat_id text NOT NULL,
  messages integer NOT NULL DEFAULT 0,
  PRIMARY KEY (school, week, chat_id)
);

-- The last message of each chat already counted: every host hears every
-- message, the first to write a batch counts it, the others skip it.
CREATE TABLE activity.chat_mark (
  chat_id text PRIMARY KEY,
  seq integer NOT NULL
);

-- Lessons already counted (a lesson's end is reported once; this makes a retry harmless).
CREATE TABLE activity.lesson_counted (
  lesson_id text PRIMARY KEY,
  counted_at bigint NOT NULL
);

-- A region over several schools and who administers it (set through the
-- admin API by the region's systems): they see schools' figures, not people.
CREATE TABLE activity.region (
  id text PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE activity.region_school (
  region_id text NOT NULL REFERENCES activity.region (id) ON DELETE CASCADE,
  school text NOT NULL,
  PRIMARY KEY (region_id, school)
);
-- A person is named with their school: directory ids are the school's own.
CREATE TABLE activity.region_admin (
  region_id text NOT NULL REFERENCES activity.region (id) ON DELETE CASCADE,
  school text NOT NULL,
  person text NOT NULL,
  PRIMARY KEY (region_id, school, person)
);
CREATE INDEX region_admin_by_person ON activity.region_admin (person, school);
