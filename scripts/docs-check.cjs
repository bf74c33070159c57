// Checks /docs in a real headless browser (Debian's chromium driven by playwright-core): Swagger UI
// renders the served API document from this server (no CDN), and "Try it out" on GET /tags executes
// against the running server and shows a 200. Saves a screenshot. Exit code 0 = pass.
//   node scripts/docs-check.cjs http://127.0.0.1:PORT target/docs-page.png
const { launch } = require("./chromium.cjs");

(async () => {
const [base, shot] = process.argv.slice(2);
const browser = await launch();
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const outside = [];
  page.on("request", r => { if (!r.url().startsWith(base) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) outside.push(r.url()); });
  await page.goto(base + "/docs");
  const op = page.locator("#operations-Tags-GetTags");
  await op.waitFor({ timeout: 20000 });
  const operations = await page.locator(".opblock").count();
  await op.locator(".opblock-summary").first().click();
  await op.locator("button.try-out__btn").click();
  await op.locator("button.execute").click();
  const status = op.locator(".live-responses-table tbody .response-col_status").first();
  await status.waitFor({ timeout: 15000 });
  const code = (await status.innerText()).trim();
  const body = await op.locator(".live-responses-table tbody .response-col_description").first().innerText();
  if (shot) await page.screenshot({ path: shot, fullPage: false });
  console.log(`docs: ${operations} operations rendered; try it out GET /tags -> ${code}; requests outside the server: ${outside.length}`);
  if (code !== "200" || !body.includes("tags")) { console.error("docs: try it out did not get a 200 with tags: " + code + " " + body.slice(0, 200)); failed = true; }
  if (operations < 20) { console.error("docs: only " + operations + " operations rendered"); failed = true; }
  if (outside.length) { console.error("docs: requests outside the server: " + outside.join(", ")); failed = true; }
} catch (e) {
  console.error("docs: " + e);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
})();
