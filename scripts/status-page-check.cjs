// Checks the built-in status page in a real headless browser (Debian's chromium driven by
// playwright-core): after traffic, every chart must have drawn a line and the throughput must be
// above zero. Saves a screenshot. Exit code 0 = pass.
//   node scripts/status-page-check.cjs http://127.0.0.1:PORT target/status-page.png
const { launch } = require("./chromium.cjs");

(async () => {

const [base, shot] = process.argv.slice(2);
const browser = await launch();
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + "/status");
  // traffic while the page samples /metrics every 2 s
  const deadline = Date.now() + 12000;
  while (Date.now() < deadline) {
    await Promise.all([...Array(20)].map((_, i) => fetch(base + (i % 2 ? "/api/tags" : "/api/articles?limit=5"))));
    await new Promise(r => setTimeout(r, 50));
  }
  await page.waitForFunction(() => Number(document.body.dataset.samples || 0) >= 3, null, { timeout: 15000 });
  const result = await page.evaluate(() => {
    const out = {};
    for (const card of document.querySelectorAll(".card")) {
      const id = card.dataset.panel;
      const c = card.querySelector("canvas");
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let blue = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 2] > 200 && data[i] < 100) blue++;
      out[id] = { value: card.querySelector(".value").textContent, linePixels: blue };
    }
    return out;
  });
  await page.screenshot({ path: shot, fullPage: true });
  console.log(JSON.stringify(result, null, 1));
  for (const [id, r] of Object.entries(result)) {
    if (r.linePixels === 0) { console.error(`status page: chart ${id} drew nothing`); failed = true; }
  }
  if (!(parseFloat(result.rps.value) > 0)) { console.error("status page: throughput is not above zero"); failed = true; }
  if (!(parseFloat(result.p99.value) > 0)) { console.error("status page: p99 is not above zero"); failed = true; }
  console.log(`status page: screenshot in ${shot}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
})().catch(e => { console.error(e); process.exit(1); });
