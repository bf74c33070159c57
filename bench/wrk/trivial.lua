-- GET /health/live: no database, no cache, a few bytes of JSON. The HTTP ceiling of this server.
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
request = function() return wrk.format("GET", "/health/live") end
done = summary("trivial")
