-- GET /api/articles: the first pages of the global list, anonymous (the home page).
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
local offsets = {0, 0, 0, 0, 20, 40}
request = function()
  return wrk.format("GET", "/api/articles?limit=20&offset=" .. offsets[math.random(#offsets)])
end
done = summary("articles")
