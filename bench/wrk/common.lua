-- Shared by every scenario: prints one machine-readable result line after wrk's own report.
-- non2xx counts responses with a status of 400 or more (wrk's own status error count); bytes are
-- what the server sent, headers included.
function summary(name)
  return function(s, latency, requests)
    local secs = s.duration / 1e6
    io.write(string.format(
      "RESULT name=%s requests=%d rps=%.1f bytes=%d avg_ms=%.2f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d non2xx=%d\n",
      name, s.requests, s.requests / secs, s.bytes, latency.mean / 1000, latency:percentile(50) / 1000,
      latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout, s.errors.status))
  end
end

-- Reads one value per line from a file into a table (slugs, usernames, tokens).
function lines(path)
  local t = {}
  for l in io.lines(path) do
    if #l > 0 then t[#t + 1] = l end
  end
  return t
end

-- Each wrk thread has its own Lua state and the same default random seed: setup numbers the
-- threads so that init can seed each one differently.
local threads = 0
function number_threads(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function seed()
  math.randomseed(os.time() * 100 + (thread_id or 0))
end

-- Zipf(s) ranks 1..n by inverse CDF over a precomputed table, as LoadGen's Zipf does.
function zipf(n, s)
  local cdf, sum = {}, 0
  for i = 1, n do
    sum = sum + 1 / (i ^ s)
    cdf[i] = sum
  end
  for i = 1, n do cdf[i] = cdf[i] / sum end
  return function()
    local u, lo, hi = math.random(), 1, n
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cdf[mid] < u then lo = mid + 1 else hi = mid end
    end
    return lo
  end
end

-- LoadGen's zipfSmall: rank 0..n-1 with probability ~ 1/(k+1).
function zipf_small(n)
  return math.min(n - 1, math.floor(n ^ math.random()) - 1)
end

function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
