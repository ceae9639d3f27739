// Looks at report.html files as people do: axe in Chromium (0 violations wanted), a screenshot
// of the screen layout and an A4 PDF of the printed one. Usage:
//   node check.mjs OUTDIR REPORT.html...
// Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM); nothing is downloaded.
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [outdir, ...reports] = process.argv.slice(2);
mkdirSync(outdir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
// For each page of a PDF from Chromium, in order, whether anything is drawn on it: its content
// stream is empty when nothing visible falls on the page.
function pagesInked(pdf) {
  const text = pdf.toString("latin1");
  const objects = new Map();
  for (const m of text.matchAll(/(\d+) 0 obj([^]*?)endobj/g)) objects.set(m[1], m[2]);
  const kids = text.match(/\/Type\s*\/Pages[^]*?\/Kids\s*\[([^\]]*)\]/)[1];
  return [...kids.matchAll(/(\d+) 0 R/g)].map(([, id]) => {
    const contents = (objects.get(id) || "").match(/\/Contents\s+(\d+) 0 R/);
    const length = contents && (objects.get(contents[1]) || "").match(/\/Length\s+(\d+)/);
    return Boolean(length && Number(length[1]) > 0);
  });
}

let failures = 0;
for (const report of reports) {
  const name = basename(dirname(resolve(report)));
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
  await page.goto(pathToFileURL(resolve(report)).href);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    await window.axe.run(document, { resultTypes: ["violations"] }));
  const violations = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} nodes`);
  await page.screenshot({ path: `${outdir}/${name}-screen.png`, fullPage: true });
  await page.emulateMedia({ media: "print" });
  await page.pdf({ path: `${outdir}/${name}.pdf`, preferCSSPageSize: true, printBackground: true });
  // Printed, no page holds only the reconciliation or the footer: with those hidden (kept in
  // the layout), every page still has something drawn on it.
  await page.evaluate(() => {
    for (const e of document.querySelectorAll("section[aria-labelledby=reconciliation], footer"))
      e.style.visibility = "hidden";
  });
  const inked = pagesInked(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  const alone = inked.map((ink, i) => (ink ? 0 : i + 1)).filter(Boolean);
  if (alone.length) errors.push(`printed page ${alone.join(", ")} holds only the closing lines`);
  await page.evaluate(() => {
    for (const e of document.querySelectorAll("section[aria-labelledby=reconciliation], footer"))
      e.style.visibility = "";
  });
  // A 390-px phone: no page-wide horizontal scroll (tables scroll in their own box).
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 390, height: 844 });
  const phoneWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  if (phoneWidth > 390) errors.push(`wider than a 390-px phone: ${phoneWidth} px`);
  await page.screenshot({ path: `${outdir}/${name}-phone.png`, fullPage: false });
  console.log(`${report}: axe ${violations.length} violations, ` +
              `console errors ${errors.length}, ${phoneWidth} px wide on a 390-px phone, ` +
              `${inked.length} A4 pages`);
  for (const line of [...violations, ...errors]) console.log(`  ${line}`);
  failures += violations.length + errors.length;
  await page.close();
}
await browser.close();
process.exit(failures ? 1 : 0);
