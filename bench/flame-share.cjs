// Share of CPU samples under the frames whose names match each pattern, in an async-profiler HTML
// flame graph (the proof's flame-*.html): overlapping matches (a frame under another match) count
// once. With KIDS=pattern (and DEPTH=n), also lists what runs under the matching frames, by samples.
//   node bench/flame-share.cjs docs/proof/flame-optimized.html 'rotli|Deflater' 'rotli4j/encoder'
// The file's own script cannot be loaded as is (it draws on a canvas), so its frame functions are
// repeated here: f(key, level, left, width), u = one level deeper, n = next sibling.
const fs = require("fs");
const [file, ...pats] = process.argv.slice(2);
const lines = fs.readFileSync(file, "utf8").split("\n");
const start = lines.findIndex((l) => l.startsWith("const cpool = ["));
const end = lines.findIndex((l, i) => i > start && l.startsWith("unpack(cpool);"));
let levels = [], level0 = 0, left0 = 0, width0 = 0, cpool;
function f(key, level, left, width) {
  (levels[(level0 = level)] ||= []).push({ left: (left0 += left), width: (width0 = width || width0), title: cpool[key >>> 3] });
}
function u(key, width) { f(key, level0 + 1, 0, width); }
function n(key, width) { f(key, level0, width0, width); }
eval(lines.slice(start, end).join("\n").replace("const cpool", "cpool"));
for (let i = 1; i < cpool.length; i++) cpool[i] = cpool[i - 1].substring(0, cpool[i].charCodeAt(0) - 32) + cpool[i].substring(1);
eval(lines.slice(end + 1).filter((l) => /^[fun]\(/.test(l)).join("\n"));
const total = levels[0][0].width;
for (const p of pats) {
  const re = new RegExp(p), iv = [];
  for (const lv of levels) for (const fr of lv || []) if (re.test(fr.title)) iv.push([fr.left, fr.left + fr.width]);
  iv.sort((a, b) => a[0] - b[0]);
  let sum = 0, cur = null;
  for (const [a, b] of iv) {
    if (!cur || a > cur[1]) { if (cur) sum += cur[1] - cur[0]; cur = [a, b]; } else cur[1] = Math.max(cur[1], b);
  }
  if (cur) sum += cur[1] - cur[0];
  console.log(`${((100 * sum) / total).toFixed(1)}%  ${p}  (${sum}/${total} samples)`);
}
if (process.env.KIDS) {
  const re = new RegExp(process.env.KIDS), depth = +(process.env.DEPTH || 1), agg = {};
  levels.forEach((lv, li) => (lv || []).forEach((fr) => {
    if (!re.test(fr.title)) return;
    for (let d = 1; d <= depth; d++) (levels[li + d] || []).forEach((c) => {
      if (c.left >= fr.left && c.left + c.width <= fr.left + fr.width) agg[d + " " + c.title] = (agg[d + " " + c.title] || 0) + c.width;
    });
  }));
  Object.entries(agg).sort((a, b) => b[1] - a[1]).slice(0, 30).forEach(([k, v]) => console.log(v, k));
}
