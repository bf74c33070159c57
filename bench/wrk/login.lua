-- POST /api/users/login as random generated users (password "password"): bcrypt-bound by design.
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
local users = tonumber(os.getenv("USERS") or "1000")
request = function()
  local u = math.random(users)
  return wrk.format("POST", "/api/users/login", { ["Content-Type"] = "application/json" },
    '{"user":{"email":"user' .. u .. '@example.com","password":"password"}}')
end
done = summary("login")
