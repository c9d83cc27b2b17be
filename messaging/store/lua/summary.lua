-- One chat as one member sees it in their list: the chat's fields, their
-- membership, read mark, unread count, last message and the latest pins.
-- KEYS: 1 chat, 2 members, 3 read, 4 deleted, 5 messages, 6 pins
-- ARGV: 1 user
local chat = redis.call('HGETALL', KEYS[1])
if #chat == 0 then return false end
local member = redis.call('HGET', KEYS[2], ARGV[1]) or ''
local last = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local read = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
local unread = last - read - redis.call('ZCOUNT', KEYS[4], read + 1, '+inf')
local lastMessage = ''
if last > 0 then lastMessage = redis.call('HGET', KEYS[5], last) or '' end
local pins = redis.call('ZREVRANGE', KEYS[6], 0, 9)
return {chat, member, read, unread, lastMessage, pins}
