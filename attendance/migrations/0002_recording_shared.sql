-- The teacher's «Поделиться записью с классом»: the class (pupils, parents)
-- may see the lesson's recording, transcript and board once it is true.
ALTER TABLE attendance.lesson ADD COLUMN recording_shared boolean NOT NULL DEFAULT false;
