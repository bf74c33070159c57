-- GET /api/articles/feed for signed-in users (bench/out/tokens.txt), first page.
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
local tokens
init = function(args) tokens = lines(os.getenv("TOKENS")) end
request = function()
  return wrk.format("GET", "/api/articles/feed?limit=20", { ["Authorization"] = "Token " .. tokens[math.random(#tokens)] })
end
done = summary("feed")
