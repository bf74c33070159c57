-- GET /api/profiles/:username over random generated users (user1..userN).
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
local users = tonumber(os.getenv("USERS") or "1000")
request = function()
  return wrk.format("GET", "/api/profiles/user" .. math.random(users))
end
done = summary("profile")
