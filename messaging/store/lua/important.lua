-- Marks or unmarks a message as important for one person.
-- KEYS: 1 messages, 2 important, 3 my reactions, 4 my votes
-- ARGV: 1 seq, 2 '1' mark | '0' unmark, 3 events channel, 4 chat id, 5 user
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return redis.error_reply('MESSAGE_NOT_FOUND') end
local changed
if ARGV[2] == '1' then
  changed = redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
else
  changed = redis.call('ZREM', KEYS[2], ARGV[1])
end
local flags = myFlags(KEYS[3], KEYS[4], KEYS[2], ARGV[1])
if changed == 1 then publishFlags(ARGV[3], ARGV[4], ARGV[5], ARGV[1], flags) end
return flags
