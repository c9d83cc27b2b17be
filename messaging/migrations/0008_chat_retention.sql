-- A chat's own auto-deletion (set_chat_retention, by its admins or the
-- school's admin). Chats may shorten their period unless their school says
-- no: the flag now defaults to true, and the rows saved before it held false
-- only because no screen offered the choice (the admin screen sent false).
ALTER TABLE messaging.retention ALTER COLUMN chats_may_shorten SET DEFAULT true;
UPDATE messaging.retention SET chats_may_shorten = true;

-- The retention job looks for chats with a period of their own.
CREATE INDEX chat_with_retention ON messaging.chat (id) WHERE retention_days IS NOT NULL;
