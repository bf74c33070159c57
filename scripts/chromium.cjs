// Debian's chromium, headless, driven by playwright-core: the one launch the browser checks share
// (CHROMIUM overrides the binary).
const { chromium } = require("playwright-core");

exports.launch = () => chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
