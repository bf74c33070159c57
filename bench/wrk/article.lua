-- GET /api/articles/:slug over a Zipf-ish mix of slugs (bench/out/slugs.txt, most popular first).
package.path = package.path .. ";" .. os.getenv("WRK_DIR") .. "/?.lua"
require "common"
local slugs
init = function(args) slugs = lines(os.getenv("SLUGS")) end
request = function()
  -- squaring a uniform number favours the head of the list: a skewed, cache-friendly mix
  local i = math.floor(math.random() ^ 2 * #slugs) + 1
  return wrk.format("GET", "/api/articles/" .. slugs[i])
end
done = summary("article")
