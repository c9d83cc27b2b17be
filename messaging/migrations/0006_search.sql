-- Message search in Russian (PostgreSQL's 'russian' configuration: the
-- Snowball stemmer, so "урок" finds "уроки", "уроков"). The words of a
-- message are its text and a voice message's transcript; system notes and
-- viewers' comments waiting for a moderator have none. Deleted messages are
-- outside the index. Who may read what is decided by the caller
-- (messaging/search.ts), not here.
CREATE FUNCTION messaging.searchable_text(body jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN body ->> 'kind' = 'system' OR body ->> 'pending' = 'true' THEN ''
      ELSE concat_ws(' ', body ->> 'text', body ->> 'transcript') END
  $$;

CREATE INDEX message_words ON messaging.message
  USING gin (to_tsvector('russian', messaging.searchable_text(body))) WHERE NOT deleted;
