-- Replaces a message with a new version if nobody changed it since it was
-- read (compare-and-set on its rev), gives it the next rev and publishes it.
-- Returns 0 on a conflict: the caller reads again and retries.
-- KEYS: 1 chat, 2 messages, 3 changes, 4 deleted, 5 pins
-- ARGV: 1 seq, 2 expected rev, 3 new JSON without rev (a non-empty object),
--       4 events channel, 5 chat id, 6 'deleted' | 'pinned' | 'unpinned' | ''
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if not cur then return redis.error_reply('MESSAGE_NOT_FOUND') end
if tonumber(cjson.decode(cur).rev) ~= tonumber(ARGV[2]) then return 0 end
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
local json = '{"rev":' .. rev .. ',' .. string.sub(ARGV[3], 2)
redis.call('HSET', KEYS[2], ARGV[1], json)
redis.call('ZADD', KEYS[3], rev, ARGV[1])
local chat = cjson.encode(ARGV[5])
local pinsChanged = false
if ARGV[6] == 'deleted' then
  redis.call('ZADD', KEYS[4], ARGV[1], ARGV[1])
  pinsChanged = redis.call('ZREM', KEYS[5], ARGV[1]) == 1
elseif ARGV[6] == 'pinned' then
  local t = redis.call('TIME')
  redis.call('ZADD', KEYS[5], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
  pinsChanged = true
elseif ARGV[6] == 'unpinned' then
  pinsChanged = redis.call('ZREM', KEYS[5], ARGV[1]) == 1
end
redis.call('PUBLISH', ARGV[4], '{"t":"m","c":' .. chat .. ',"r":' .. json .. '}')
if pinsChanged then redis.call('PUBLISH', ARGV[4], '{"t":"cc","c":' .. chat .. '}') end
return json
