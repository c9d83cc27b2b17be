-- A person's «Документы»: folders and files, seen by their owner only. A
-- file is the messenger's upload (messaging.file: its bytes, its download
-- route); this table files it under a name in a folder. No foreign keys into
-- the messenger's schema (ARCHITECTURE.md "A part's tables").

CREATE TABLE documents.entry (
  id text PRIMARY KEY,
  owner text NOT NULL,
  -- NULL: at the top level.
  parent_id text REFERENCES documents.entry (id) ON DELETE CASCADE,
  folder boolean NOT NULL,
  name text NOT NULL,
  -- A file's upload, type and size (NULL, '' and 0 for a folder).
  file_id text,
  type text NOT NULL DEFAULT '',
  size bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  CHECK (folder = (file_id IS NULL))
);
CREATE INDEX entry_by_owner ON documents.entry (owner, parent_id);
CREATE UNIQUE INDEX entry_by_file ON documents.entry (file_id) WHERE file_id IS NOT NULL;

-- A school's quota per person, set by its administrator (else the server's default).
CREATE TABLE documents.school_quota (
  school text PRIMARY KEY,
  quota_bytes bigint NOT NULL
);
