-- One person's vote in a poll: checked (open, not voted yet, valid options)
-- and counted in one atomic step, so nobody votes twice or after closing.
-- KEYS: 1 chat, 2 messages, 3 changes, 4 votes of the poll, 5 my votes,
--       6 my reactions, 7 important
-- ARGV: 1 seq, 2 user, 3 options (JSON list of 0-based indexes),
--       4 events channel, 5 chat id
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if not cur then return redis.error_reply('MESSAGE_NOT_FOUND') end
local rec = cjson.decode(cur)
if rec.deleted then return redis.error_reply('MESSAGE_DELETED') end
local poll = rec.poll
if type(poll) ~= 'table' then return redis.error_reply('NOT_A_POLL') end
local closesAt = tonumber(poll.closesAt) or 0
if poll.closed or (closesAt > 0 and nowMs() >= closesAt) then return redis.error_reply('POLL_CLOSED') end
if redis.call('HEXISTS', KEYS[4], ARGV[2]) == 1 then return redis.error_reply('ALREADY_VOTED') end
local chosen = cjson.decode(ARGV[3])
if #chosen == 0 then return redis.error_reply('INVALID_OPTIONS') end
if #chosen > 1 and not poll.multi then return redis.error_reply('INVALID_OPTIONS') end
local seen = {}
for _, i in ipairs(chosen) do
  local opt = poll.opts[i + 1]
  if type(opt) ~= 'table' or seen[i] then return redis.error_reply('INVALID_OPTIONS') end
  seen[i] = true
end
for _, i in ipairs(chosen) do
  poll.opts[i + 1].n = (tonumber(poll.opts[i + 1].n) or 0) + 1
end
poll.voters = (tonumber(poll.voters) or 0) + 1
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[3])
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
rec.rev = rev
local json = cjson.encode(rec)
redis.call('HSET', KEYS[2], ARGV[1], json)
redis.call('ZADD', KEYS[3], rev, ARGV[1])
redis.call('PUBLISH', ARGV[4], '{"t":"m","c":' .. cjson.encode(ARGV[5]) .. ',"r":' .. json .. '}')
local flags = myFlags(KEYS[6], KEYS[5], KEYS[7], ARGV[1])
publishFlags(ARGV[4], ARGV[5], ARGV[2], ARGV[1], flags)
return {json, flags}
