-- GET /api/tags.
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
request = function() return wrk.format("GET", "/api/tags") end
done = summary("tags")
