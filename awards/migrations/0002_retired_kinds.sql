-- A school retires a kind of its own: it is no longer given, and the awards
-- given with it stay on the boards (they keep pointing at the row).
ALTER TABLE awards.kind ADD COLUMN retired_at bigint;
