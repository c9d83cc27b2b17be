-- Lessons as they ran (a room holds one lesson at a time: from its first
-- arrival until a host ends it or the last person leaves) and who came to
-- each: visits summed, hands raised, chat messages and poll answers.

CREATE TABLE attendance.lesson (
  id text PRIMARY KEY,
  room_id text NOT NULL,
  school text NOT NULL,
  title text NOT NULL,
  -- The chat the lesson belongs to (a class chat the call was started or scheduled in); '' if none.
  class_chat text NOT NULL,
  -- The lesson chat's messages of this lesson: from first_seq to last_seq.
  first_seq integer NOT NULL,
  last_seq integer,
  started_at bigint NOT NULL,
  ended_at bigint
);
-- One running lesson per room, whichever host runs it.
CREATE UNIQUE INDEX lesson_running ON attendance.lesson (room_id) WHERE ended_at IS NULL;
CREATE INDEX lesson_by_room ON attendance.lesson (room_id, ended_at DESC);

CREATE TABLE attendance.attendee (
  lesson_id text NOT NULL REFERENCES attendance.lesson (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  name text NOT NULL,
  -- 1 host, 2 co-host, 3 participant, 4 guest (the proto's LessonRole): the highest held.
  role smallint NOT NULL,
  guest boolean NOT NULL,
  first_joined_at bigint NOT NULL,
  last_left_at bigint,
  -- Set while they are in the lesson: the start of the visit not yet counted in seconds.
  present_since bigint,
  seconds integer NOT NULL DEFAULT 0,
  visits integer NOT NULL DEFAULT 0,
  hands integer NOT NULL DEFAULT 0,
  messages integer NOT NULL DEFAULT 0,
  poll_answers integer NOT NULL DEFAULT 0,
  PRIMARY KEY (lesson_id, user_id)
);

-- The chat a room's calls were started in (the messenger tells, messaging/calls.ts).
CREATE TABLE attendance.room_chat (
  room_id text PRIMARY KEY,
  chat_id text NOT NULL
);
