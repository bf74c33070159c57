-- Shared by every scenario: prints one machine-readable result line after wrk's own report.
-- Requests are counted as failed when the status is not the one the scenario expects (2xx).
local errors = 0

function response(status, headers, body)
  if status < 200 or status >= 300 then
    errors = errors + 1
  end
end

function summary(name)
  return function(s, latency, requests)
    local secs = s.duration / 1e6
    io.write(string.format(
      "RESULT name=%s requests=%d rps=%.1f avg_ms=%.2f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d non2xx=%d\n",
      name, s.requests, s.requests / secs, latency.mean / 1000, latency:percentile(50) / 1000,
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
