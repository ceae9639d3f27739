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
let failures = 0;
for (const report of reports) {
  const name = basename(dirname(resolve(report)));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
  // A 390-px phone: no page-wide horizontal scroll (tables scroll in their own box).
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width: 390, height: 844 });
  const phoneWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  if (phoneWidth > 390) errors.push(`wider than a 390-px phone: ${phoneWidth} px`);
  await page.screenshot({ path: `${outdir}/${name}-phone.png`, fullPage: false });
  console.log(`${report}: axe ${violations.length} violations, ` +
              `console errors ${errors.length}, ${phoneWidth} px wide on a 390-px phone`);
  for (const line of [...violations, ...errors]) console.log(`  ${line}`);
  failures += violations.length + errors.length;
  await page.close();
}
await browser.close();
process.exit(failures ? 1 : 0);
