-- Appends a message in one round trip: checks the sender may write (member,
-- the chat's write setting, guests, comments), recognises a resend by its
-- client message id, numbers the message (seq, rev, server time), stores it,
-- moves the sender's read mark and publishes it, all atomically. Publishing
-- here keeps events in rev order per chat whichever host sent them. The
-- rules mirror permissions.ts (requireWrite), which the other paths use.
-- KEYS: 1 chat, 2 messages, 3 changes, 4 client id, 5 read, 6 members
-- ARGV: 1 message JSON without seq/rev/at (a non-empty object), 2 sender id
--       ('' for the chat's own notes), 3 client id TTL (s), 4 events channel,
--       5 chat id, 6 '1' if the sender is a guest of a call
local fields = redis.call('HMGET', KEYS[1], 'kind', 'settings')
if not fields[1] then return redis.error_reply('CHAT_NOT_FOUND') end
local prev = redis.call('GET', KEYS[4])
if prev then
  return {0, redis.call('HGET', KEYS[2], prev)}
end
if ARGV[2] ~= '' then
  local memberJson = redis.call('HGET', KEYS[6], ARGV[2])
  if not memberJson then return redis.error_reply('NOT_A_MEMBER') end
  local role = cjson.decode(memberJson).role
  local admin = role == 'admin' or role == 'creator'
  local s = cjson.decode(fields[2] or '{}')
  if fields[1] == 'lesson' and ARGV[6] == '1' and not s.guestsWrite and not admin then
    return redis.error_reply('GUESTS_MAY_NOT_WRITE')
  end
  if fields[1] == 'comments' and s.comments == 'off' and not admin then return redis.error_reply('COMMENTS_OFF') end
  if s.archived then return redis.error_reply('READ_ONLY') end
  -- A channel with comments on takes replies from its subscribers.
  local comment = fields[1] == 'channel' and s.comments == 'on' and cjson.decode(ARGV[1]).reply ~= nil
  if not comment and ((s.write == 'admins' and not admin) or (s.write == 'creator' and role ~= 'creator')) then
    return redis.error_reply('READ_ONLY')
  end
end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
local t = redis.call('TIME')
local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local json = '{"seq":' .. seq .. ',"rev":' .. rev .. ',"at":' .. string.format('%d', at) .. ',' .. string.sub(ARGV[1], 2)
redis.call('HSET', KEYS[2], seq, json)
redis.call('ZADD', KEYS[3], rev, seq)
redis.call('SET', KEYS[4], seq, 'EX', ARGV[3])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[5], ARGV[2], seq) end
redis.call('HSET', KEYS[1], 'lastAt', string.format('%d', at))
redis.call('PUBLISH', ARGV[4], '{"t":"m","c":' .. cjson.encode(ARGV[5]) .. ',"r":' .. json .. '}')
return {1, json}
