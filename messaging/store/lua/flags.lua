-- Shared by the scripts that change one person's flags on a message: their
-- reactions, poll options and important mark, as one JSON object.
local function myFlags(myReactionsKey, myVotesKey, importantKey, seq)
  return '{"rx":' .. (redis.call('HGET', myReactionsKey, seq) or '[]') ..
    ',"v":' .. (redis.call('HGET', myVotesKey, seq) or '[]') ..
    ',"imp":' .. (redis.call('ZSCORE', importantKey, seq) and 'true' or 'false') .. '}'
end

local function publishFlags(channel, chatId, userId, seq, flags)
  redis.call('PUBLISH', channel, '{"t":"my","c":' .. cjson.encode(chatId) .. ',"u":' .. cjson.encode(userId) ..
    ',"s":' .. seq .. ',"f":' .. flags .. '}')
end

local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
