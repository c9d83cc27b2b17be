-- HLS viewers for wrk (loadtest/hlsViewers.ts --generator wrk). Every
-- connection is a viewer's connection at the live edge. The script's
-- arguments: the mode, the share of viewers with subtitles on, and a file
-- naming the newest segments.
--   lists:    the connection asks for the live playlist once a second (and,
--             for the share with subtitles, the subtitle playlist);
--   segments: it asks for the newest segment once a second (and the newest
--             .vtt), named in the file that hlsViewers.ts keeps current, so
--             that playlists and segments are timed by separate wrk runs;
--   both:     playlist and newest segment in turn on one connection, the
--             segment's name taken from the playlist just read.
-- Counters are globals so that done() can read them from every thread.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

lists, segments, sublists, vtts, bad = 0, 0, 0, 0, 0
local base, latest, latestVtt, turn, videoTurn, subTurn, share, subtitleFraction, mode, newestFile

local function readNewest()
  local f = io.open(newestFile, "r")
  if not f then return end
  local m4s = f:read("*l")
  local vtt = f:read("*l")
  f:close()
  if m4s and m4s ~= "" then latest = m4s end
  if vtt and vtt ~= "" then latestVtt = vtt end
end

function init(args)
  base = wrk.path:gsub("/live%.m3u8$", "")
  turn, videoTurn, subTurn = 0, 0, 0
  mode = args[1] or "both"
  share = tonumber(args[2] or "0") or 0
  newestFile = args[3]
  -- Of all requests, this fraction is for subtitles.
  subtitleFraction = share / (1 + share)
  if mode == "segments" then readNewest() end
end

function request()
  turn = turn + 1
  -- A thread makes about a thousand requests a second: the file is read about ten times a second.
  if mode == "segments" and turn % 100 == 0 then readNewest() end
  -- Spread the subtitle requests evenly among the video's.
  local subtitle = math.floor(turn * subtitleFraction) > math.floor((turn - 1) * subtitleFraction)
  if mode == "lists" then
    if subtitle then return wrk.format("GET", base .. "/subtitles.m3u8") end
    return wrk.format("GET", base .. "/live.m3u8")
  end
  if mode == "segments" then
    if subtitle and latestVtt then return wrk.format("GET", base .. "/" .. latestVtt) end
    return wrk.format("GET", base .. "/" .. latest)
  end
  if subtitle then
    subTurn = subTurn + 1
    if latestVtt == nil or subTurn % 2 == 1 then
      return wrk.format("GET", base .. "/subtitles.m3u8")
    end
    return wrk.format("GET", base .. "/" .. latestVtt)
  end
  videoTurn = videoTurn + 1
  if latest == nil or videoTurn % 2 == 1 then
    return wrk.format("GET", base .. "/live.m3u8")
  end
  return wrk.format("GET", base .. "/" .. latest)
end

function delay()
  -- One request a second per viewer and kind (two in turn in "both"), more with subtitles.
  local every = mode == "both" and 500 or 1000
  return every / (1 + share)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    return
  end
  if body:sub(1, 6) == "WEBVTT" then
    vtts = vtts + 1
  elseif body:sub(1, 24) == "#EXTM3U\n#EXT-X-VERSION:6" then
    -- The subtitle playlist (the video's is version 7).
    sublists = sublists + 1
    for line in body:gmatch("[^\n]+") do
      if line:match("%.vtt$") then latestVtt = line end
    end
  elseif body:sub(1, 7) == "#EXTM3U" then
    lists = lists + 1
    for line in body:gmatch("[^\n]+") do
      if line:match("%.m4s$") then latest = line end
    end
  else
    segments = segments + 1
  end
end

function done(summary, latency, requests)
  local l, s, sl, v, b = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    l = l + t:get("lists")
    s = s + t:get("segments")
    sl = sl + t:get("sublists")
    v = v + t:get("vtts")
    b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"lists":%d,"segments":%d,"sublists":%d,"vtts":%d,"bad":%d,"connect":%d,"read":%d,"timeout":%d,' ..
    '"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f}\n',
    summary.requests, l, s, sl, v, b, e.connect, e.read, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
