-- Shared by every scenario: prints one machine-readable result line after wrk's own report.
-- non2xx counts responses with a status of 400 or more (wrk's own status error count).
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
