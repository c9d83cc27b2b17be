-- Uploaded files' records (the bytes are in the file store) and the messages
-- holding each file. A file is held by every message it is attached to (the
-- original and each forwarded copy); when the last hold goes (the message is
-- deleted for everyone, or removed by retention), the file is marked
-- 'removing' in the same transaction, and its bytes are removed after the
-- commit (files/fileRecords.ts; retried by the sweep if a host dies between).

CREATE TABLE messaging.file (
  id text PRIMARY KEY,
  owner text NOT NULL,
  -- The chat it was uploaded for: only its uploader attaches it, only there.
  chat_id text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  size bigint NOT NULL,
  state text NOT NULL CHECK (state IN ('uploading', 'ready', 'removing')),
  -- Attached to a message at least once (an upload never sent is swept).
  posted boolean NOT NULL DEFAULT false,
  preview boolean NOT NULL DEFAULT false,
  width integer NOT NULL DEFAULT 0,
  height integer NOT NULL DEFAULT 0,
  created_at bigint NOT NULL
);
-- The sweep's two questions: uploads never sent, and files whose removal is due.
CREATE INDEX file_unsent ON messaging.file (created_at) WHERE NOT posted;
CREATE INDEX file_removing ON messaging.file (id) WHERE state = 'removing';

CREATE TABLE messaging.file_hold (
  chat_id text NOT NULL,
  seq bigint NOT NULL,
  file_id text NOT NULL REFERENCES messaging.file (id),
  PRIMARY KEY (chat_id, seq, file_id),
  FOREIGN KEY (chat_id, seq) REFERENCES messaging.message (chat_id, seq) ON DELETE CASCADE
);
CREATE INDEX file_hold_by_file ON messaging.file_hold (file_id);

-- One mechanism for every way a hold goes (a delete for everyone, a message
-- or chat removed with its holds by cascade, retention): a file left with no
-- hold is marked for removal in the same transaction. The files are locked
-- first, so a send attaching one of them at the same moment (it locks the
-- file FOR SHARE) is either seen by the check that follows or refused.
CREATE FUNCTION messaging.files_released() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM messaging.file f
    WHERE f.id IN (SELECT DISTINCT g.file_id FROM gone g) ORDER BY f.id FOR UPDATE;
  UPDATE messaging.file f SET state = 'removing'
    WHERE f.id IN (SELECT DISTINCT g.file_id FROM gone g) AND f.state <> 'removing'
      AND NOT EXISTS (SELECT 1 FROM messaging.file_hold h WHERE h.file_id = f.id);
  RETURN NULL;
END $$;

CREATE TRIGGER files_released AFTER DELETE ON messaging.file_hold
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION messaging.files_released();
