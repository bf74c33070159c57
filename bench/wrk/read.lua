-- okami scenario 2, as LoadGen's "read": an article (Zipf over SLUGS), its comments and its
-- author's profile (AUTHORS, line by line with SLUGS), anonymously, asking for br/gzip. Each wrk
-- thread sends the three in turn; unlike LoadGen they may go out on different connections of the
-- thread, which changes nothing the server does.
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
local slugs, authors, pick, step, current
setup = number_threads
init = function(args)
  seed()
  slugs, authors = lines(os.getenv("SLUGS")), lines(os.getenv("AUTHORS"))
  pick, step = zipf(#slugs, 1.0), 0
end
local h = { ["Accept-Encoding"] = "br, gzip" }
request = function()
  if step == 0 then current = pick() end
  local s = step
  step = (step + 1) % 3
  if s == 0 then return wrk.format("GET", "/api/articles/" .. slugs[current], h) end
  if s == 1 then return wrk.format("GET", "/api/articles/" .. slugs[current] .. "/comments", h) end
  return wrk.format("GET", "/api/profiles/" .. authors[math.min(current, #authors)], h)
end
done = summary("read")
