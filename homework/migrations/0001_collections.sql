-- Homework collections («Сбор файлов»): a teacher collects files from the
-- pupils of a class chat by a deadline. The files themselves are the
-- messenger's uploads (messaging.file, its access rules and its bytes);
-- these tables say which pupil handed in which of them. No foreign keys
-- into the messenger's schema (ARCHITECTURE.md "A part's tables").

CREATE TABLE homework.collection (
  id text PRIMARY KEY,
  school text NOT NULL,
  chat_id text NOT NULL,
  teacher_id text NOT NULL,
  teacher_name text NOT NULL,
  title text NOT NULL,
  description text NOT NULL,
  deadline bigint NOT NULL,
  -- Allowed file name extensions (lower case, no dot); empty: any.
  allowed_types text[] NOT NULL,
  max_bytes bigint NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX collection_by_chat ON homework.collection (chat_id, created_at DESC);
CREATE INDEX collection_by_teacher ON homework.collection (teacher_id, created_at DESC);

-- Who must hand in, with the name the teacher's table and the ZIP show.
CREATE TABLE homework.assignee (
  collection_id text NOT NULL REFERENCES homework.collection (id) ON DELETE CASCADE,
  pupil_id text NOT NULL,
  pupil_name text NOT NULL,
  reminded_at bigint,
  PRIMARY KEY (collection_id, pupil_id)
);
CREATE INDEX assignee_by_pupil ON homework.assignee (pupil_id);

-- A pupil's hand-in: when, whether after the deadline, the teacher's word.
CREATE TABLE homework.submission (
  collection_id text NOT NULL,
  pupil_id text NOT NULL,
  submitted_at bigint NOT NULL,
  late boolean NOT NULL,
  comment text NOT NULL DEFAULT '',
  returned boolean NOT NULL DEFAULT false,
  PRIMARY KEY (collection_id, pupil_id),
  FOREIGN KEY (collection_id, pupil_id) REFERENCES homework.assignee (collection_id, pupil_id) ON DELETE CASCADE
);

CREATE TABLE homework.submission_file (
  collection_id text NOT NULL,
  pupil_id text NOT NULL,
  position integer NOT NULL,
  file_id text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  size bigint NOT NULL,
  PRIMARY KEY (collection_id, pupil_id, position),
  FOREIGN KEY (collection_id, pupil_id) REFERENCES homework.submission (collection_id, pupil_id) ON DELETE CASCADE
);
CREATE INDEX submission_file_by_file ON homework.submission_file (file_id);
