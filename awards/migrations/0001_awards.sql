-- Awards («Награды»): kinds a school adds to the server's catalogue, and the
-- awards given to pupils (withdrawn ones are kept, marked, for the record).

CREATE TABLE awards.kind (
  id text PRIMARY KEY,
  school text NOT NULL,
  name text NOT NULL,
  badge text NOT NULL,
  created_by text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX kind_by_school ON awards.kind (school);

CREATE TABLE awards.award (
  id text PRIMARY KEY,
  school text NOT NULL,
  kind_id text NOT NULL,
  pupil_id text NOT NULL,
  giver_id text NOT NULL,
  giver_name text NOT NULL,
  comment text NOT NULL,
  given_at bigint NOT NULL,
  withdrawn_at bigint,
  withdrawn_by text
);
CREATE INDEX award_by_pupil ON awards.award (pupil_id, given_at DESC) WHERE withdrawn_at IS NULL;
