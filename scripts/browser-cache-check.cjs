// Read-your-writes through a real browser's HTTP cache (Debian's chromium driven by playwright-core).
// A single-page RealWorld client sends its list, article, profile and tag GETs without a token even
// when signed in (the spec allows it), so those answers are the ones a browser may keep. This page
// signs up, publishes, comments, edits and deletes with its token, and after every write reads the changed
// resources anonymously with fetch()'s default cache mode, i.e. through the browser's HTTP cache,
// which stays enabled (no page.route interception, which would silently bypass it). Every read must
// show the write at once, and the server must have answered some reads with 304 (the browser kept
// the answer and revalidated it: proof that the cache was in play).
//   node scripts/browser-cache-check.cjs http://127.0.0.1:PORT
const { launch } = require("./chromium.cjs");

(async () => {
const [base] = process.argv.slice(2);
const browser = await launch();
const count304 = async () => {
  const text = await (await fetch(base + "/metrics")).text();
  let n = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("vertx_http_server_requests_total{") && line.includes('code="304"')) {
      n += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return n;
};
let failures = [];
try {
  const page = await browser.newPage();
  await page.goto(base + "/health/live"); // any page of the server's origin: fetch() is same-origin
  const before304 = await count304();
  const result = await page.evaluate(async () => {
    const failures = [];
    const log = [];
    const name = "bc" + Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
    const tag = "tag" + name;
    let token = null;
    const call = async (method, path, body) => {
      const headers = { "Content-Type": "application/json" };
      if (token) headers.Authorization = "Token " + token;
      const r = await fetch(path, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
      return r.status === 204 ? null : r.json();
    };
    // anonymous and through the HTTP cache: fetch's default cache mode, no headers that bypass it
    const read = async (path) => {
      const r = await fetch(path);
      const body = r.status === 200 ? await r.json() : null;
      log.push(`${path} ${r.status} cache-control: ${r.headers.get("cache-control")}`);
      return { status: r.status, body };
    };
    const expect = (ok, what) => { if (!ok) failures.push(what); };

    const user = await call("POST", "/api/users",
      { user: { username: name, email: name + "@example.com", password: "password123" } });
    token = user.user.token;
    // what an open tab has already read, so the browser holds these answers
    await read("/api/articles?limit=10");
    await read("/api/articles?limit=10&tag=" + tag);
    await read("/api/articles?limit=10&author=" + name);
    await read("/api/tags");
    await read("/api/profiles/" + name);

    // publish
    const created = await call("POST", "/api/articles", { article: {
      title: "Fresh " + name, description: "d", body: "first body", tagList: [tag] } });
    const slug = created.article.slug;
    let list = await read("/api/articles?limit=10");
    expect(list.body.articles.some(a => a.slug === slug), "global list misses the new article");
    list = await read("/api/articles?limit=10&tag=" + tag);
    expect(list.body.articles.some(a => a.slug === slug), "tag list misses the new article");
    list = await read("/api/articles?limit=10&author=" + name);
    expect(list.body.articlesCount === 1, "author list count is not 1 after publishing");
    const tags = await read("/api/tags");
    expect(tags.body.tags.includes(tag), "tags miss the new tag");
    let one = await read("/api/articles/" + slug);
    expect(one.status === 200 && one.body.article.body === "first body", "new article not readable");

    // edit the article, then read it again (the browser holds the first version)
    await call("PUT", "/api/articles/" + slug, { article: { body: "second body", description: "d2" } });
    one = await read("/api/articles/" + slug);
    expect(one.body.article.body === "second body", "article shows its old body after an edit");
    list = await read("/api/articles?limit=10");
    const listed = list.body.articles.find(a => a.slug === slug);
    expect(listed && listed.description === "d2", "global list shows the old description");

    // favorite: the count shown to anonymous readers moves
    await call("POST", "/api/articles/" + slug + "/favorite");
    one = await read("/api/articles/" + slug);
    expect(one.body.article.favoritesCount === 1, "favorites count is stale after favoriting");

    // comment: read (the browser holds the empty list), add, read, delete, read
    let comments = await read("/api/articles/" + slug + "/comments");
    expect(comments.body.comments.length === 0, "a new article has comments");
    const comment = await call("POST", "/api/articles/" + slug + "/comments", { comment: { body: "hi " + name } });
    comments = await read("/api/articles/" + slug + "/comments");
    expect(comments.body.comments.some(c => c.body === "hi " + name), "comments miss the new comment");
    await call("DELETE", "/api/articles/" + slug + "/comments/" + comment.comment.id);
    comments = await read("/api/articles/" + slug + "/comments");
    expect(comments.body.comments.length === 0, "comments still show the deleted comment");
    await call("POST", "/api/articles/" + slug + "/comments", { comment: { body: "kept " + name } });
    await read("/api/articles/" + slug + "/comments");

    // edit the profile
    await call("PUT", "/api/user", { user: { bio: "new bio " + name } });
    const profile = await read("/api/profiles/" + name);
    expect(profile.body.profile.bio === "new bio " + name, "profile shows the old bio");
    list = await read("/api/articles?limit=10&author=" + name);
    expect(list.body.articles[0] && list.body.articles[0].author.bio === "new bio " + name,
      "author list shows the old bio");
    comments = await read("/api/articles/" + slug + "/comments");
    expect(comments.body.comments[0] && comments.body.comments[0].author.bio === "new bio " + name,
      "comments show the commenter's old bio");

    // delete
    await call("DELETE", "/api/articles/" + slug);
    one = await read("/api/articles/" + slug);
    expect(one.status === 404, `deleted article still readable (${one.status})`);
    list = await read("/api/articles?limit=10");
    expect(!list.body.articles.some(a => a.slug === slug), "global list still shows the deleted article");
    list = await read("/api/articles?limit=10&author=" + name);
    expect(list.body.articlesCount === 0, "author list still counts the deleted article");

    // unchanged since the last read: the browser revalidates and the server answers 304
    await read("/api/profiles/" + name);
    await read("/api/articles?limit=10&author=" + name);
    return { failures, log };
  });
  failures = result.failures;
  const revalidated = (await count304()) - before304;
  console.log(result.log.join("\n"));
  console.log(`browser cache: ${revalidated} reads revalidated with 304`);
  if (revalidated < 1) failures.push("no read was revalidated with 304: was the browser cache in play?");
} finally {
  await browser.close();
}
for (const f of failures) console.error("browser cache: " + f);
console.log(failures.length ? `browser cache: ${failures.length} stale reads` : "browser cache: every read showed the write");
process.exit(failures.length ? 1 : 0);
})().catch(e => { console.error(e); process.exit(1); });
