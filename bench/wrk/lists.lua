-- okami scenario 1, as LoadGen's "lists": paging anonymously through the global list (first 10
-- pages of 20) and tag lists (first 5 pages of a random tag), half each, asking for br/gzip.
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
local tags
setup = number_threads
init = function(args)
  seed()
  tags = lines(os.getenv("TAGS"))
end
local h = { ["Accept-Encoding"] = "br, gzip" }
request = function()
  if math.random() < 0.5 then
    return wrk.format("GET", "/api/articles?limit=20&offset=" .. 20 * math.random(0, 9), h)
  end
  return wrk.format("GET", "/api/articles?limit=20&tag=" .. urlencode(tags[math.random(#tags)])
    .. "&offset=" .. 20 * math.random(0, 4), h)
end
done = summary("lists")
