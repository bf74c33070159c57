-- The RealWorld mix of LoadGen's "mix" scenario, driven by wrk (a C client, so the client takes a
-- small share of the 2 shared cores): 90/10 read/write, Zipf popularity over SLUGS (most popular
-- first), half the reads signed in, every request asking for br/gzip. The same shares as
-- LoadGen.mix: 4% comment, 3% favorite, 2% unfavorite, 1% publish, 25% global list (Zipf page),
-- 8% tag list, 7% feed, 25% article, 10% comments, 10% profile (Zipf user), 5% tags.
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
local slugs, tokens, tags, users, pick_slug
setup = number_threads
init = function(args)
  seed()
  slugs, tokens, tags = lines(os.getenv("SLUGS")), lines(os.getenv("TOKENS")), lines(os.getenv("TAGS"))
  users = tonumber(os.getenv("USERS") or "1000")
  pick_slug = zipf(#slugs, 1.0)
end

local function any(t) return t[math.random(#t)] end

local function headers(token, body)
  local h = { ["Accept-Encoding"] = "br, gzip" }
  if token then h["Authorization"] = "Token " .. token end
  if body then h["Content-Type"] = "application/json" end
  return h
end

request = function()
  local slug = slugs[pick_slug()]
  local reader = math.random() < 0.5 and any(tokens) or nil
  local writer = any(tokens)
  local p = math.random(0, 99)
  if p < 4 then
    local body = '{"comment":{"body":"benchmark comment ' .. math.random(1, 1e9) .. '"}}'
    return wrk.format("POST", "/api/articles/" .. slug .. "/comments", headers(writer, true), body)
  elseif p < 7 then
    return wrk.format("POST", "/api/articles/" .. slug .. "/favorite", headers(writer))
  elseif p < 9 then
    return wrk.format("DELETE", "/api/articles/" .. slug .. "/favorite", headers(writer))
  elseif p < 10 then
    local body = string.format('{"article":{"title":"Bench %x%x","description":"d","body":"A body of **markdown**.","tagList":["%s"]}}',
      math.random(0, 2^30), math.random(0, 2^30), any(tags))
    return wrk.format("POST", "/api/articles", headers(writer, true), body)
  elseif p < 35 then
    return wrk.format("GET", "/api/articles?limit=20&offset=" .. 20 * zipf_small(10), headers(reader))
  elseif p < 43 then
    return wrk.format("GET", "/api/articles?limit=20&tag=" .. urlencode(any(tags)), headers(reader))
  elseif p < 50 then
    return wrk.format("GET", "/api/articles/feed?limit=20", headers(writer))
  elseif p < 75 then
    return wrk.format("GET", "/api/articles/" .. slug, headers(reader))
  elseif p < 85 then
    return wrk.format("GET", "/api/articles/" .. slug .. "/comments", headers(reader))
  elseif p < 95 then
    return wrk.format("GET", "/api/profiles/user" .. (1 + zipf_small(math.min(users, 10000))), headers(reader))
  end
  return wrk.format("GET", "/api/tags", headers(nil))
end
done = summary("mix")
