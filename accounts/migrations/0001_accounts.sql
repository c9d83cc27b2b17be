-- How the people of the directory sign in (accounts/model.ts): their
-- sign-in names and password hashes, printed activation codes (hashes only),
-- passkeys, teacher verification, and the schools and administrators made
-- with a new server's setup code.
CREATE TABLE accounts.accounts (
  person_id text PRIMARY KEY,
  school_id text NOT NULL,
  login text UNIQUE,
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  deactivated_at timestamptz
);
CREATE INDEX accounts_by_school ON accounts.accounts (school_id);

CREATE TABLE accounts.codes (
  code_hash text PRIMARY KEY,
  person_id text NOT NULL,
  school_id text NOT NULL,
  issued_by text NOT NULL,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX codes_by_person ON accounts.codes (person_id, school_id);
CREATE INDEX codes_by_school ON accounts.codes (school_id, person_id, issued_at DESC);

CREATE TABLE accounts.passkeys (
  credential_id text PRIMARY KEY,
  person_id text NOT NULL,
  public_key bytea NOT NULL,
  counter bigint NOT NULL,
  transports text[] NOT NULL,
  label text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX passkeys_by_person ON accounts.passkeys (person_id);

CREATE TABLE accounts.verifications (
  id text PRIMARY KEY,
  school_id text NOT NULL,
  person_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by text
);
-- One open request per person: two tabs applying at once make one.
CREATE UNIQUE INDEX verifications_one_pending ON accounts.verifications (person_id) WHERE status = 'pending';
CREATE INDEX verifications_by_school ON accounts.verifications (school_id);

CREATE TABLE accounts.schools (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE accounts.staff (
  person_id text PRIMARY KEY,
  school_id text NOT NULL REFERENCES accounts.schools (id),
  name text NOT NULL,
  sort text NOT NULL
);

CREATE TABLE accounts.invitations (
  school_id text PRIMARY KEY,
  code_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
