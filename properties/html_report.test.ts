/**
 * `--replay FILE --format html` in a real headless browser (Debian's
 * chromium driven by playwright-core with the system executable; .ci/run
 * installs chromium where it is missing): the page loads with no error and
 * no network request, shows one lane per thread that ran and one row per
 * step, marks the failing step and selects it, shows the rmap chains, sptes
 * and the model's view after it, and moves with the arrow keys and a click.
 * Where no chromium can be found the browser part is skipped with a message.
 * RMAPCHECK_SCREENSHOT=PATH also writes a screenshot (docs/counterexamples.md's).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { replay } from "../checker";

const CX = join(__dirname, "corpus", "v3-INV-SP-LIVE-seed1.json");
const BROWSERS = [process.env.CHROMIUM ?? "", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const executable = BROWSERS.find((p) => p !== "" && existsSync(p));

const html = (): string => replay(CX, { html: true, name: "properties/corpus/v3-INV-SP-LIVE-seed1.json" }).text;

test("the HTML is one self-contained document: inline script and style, no external resource", () => {
  const page = html();
  expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
  expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
  expect(page).toContain("VIOLATION of INV-SP-LIVE");
});

const browserTest = executable === undefined ? test.skip : test;
if (executable === undefined) console.warn("properties/html_report.test.ts: no chromium found (install Debian's chromium, or set CHROMIUM): the browser test is skipped");

browserTest("it renders in headless chromium: lanes, steps, the failing step, the state, arrow keys and clicks", async () => {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: executable!, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => { if (!r.url().startsWith("data:") && r.url() !== "about:blank") requests.push(r.url()); });
    await page.setContent(html(), { waitUntil: "load" });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const lanes = await page.$$eval("#grid th", (ths) => ths.map((t) => t.textContent));
    expect(lanes).toEqual(["step", "T0:ioctl", "T1:zapper"]);
    expect(await page.$$eval("#grid tr[data-i]", (r) => r.length)).toBe(24);
    const failing = page.locator("tr.fail");
    expect(await failing.count()).toBe(1);
    expect(await failing.getAttribute("class")).toContain("sel");
    expect(await page.locator("#state").getAttribute("data-step")).toBe("24");
    const state = (await page.locator("#state").textContent()) ?? "";
    for (const part of ["rmap chains (memory)", "sptes (memory)", "the model's view (abstraction)"]) expect(state).toContain(part);
    if (process.env.RMAPCHECK_SCREENSHOT) await page.screenshot({ path: process.env.RMAPCHECK_SCREENSHOT });
    await page.keyboard.press("ArrowUp");
    expect(await page.locator("#state").getAttribute("data-step")).toBe("23");
    await page.keyboard.press("ArrowRight");
    expect(await page.locator("#state").getAttribute("data-step")).toBe("24");
    await page.locator('tr[data-i="0"]').click();
    expect(await page.locator("#state").getAttribute("data-step")).toBe("1");
    expect(await page.locator("#state").textContent()).toContain("rmap 0:1:0");
  } finally {
    await browser.close();
  }
}, 60_000);
