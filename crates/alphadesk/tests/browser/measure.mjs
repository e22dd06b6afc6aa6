// Renders pages in headless chromium and measures what a reader would meet:
// the DOM's width against the viewport (and the elements that stick out), the
// page's text, axe-core's accessibility violations, and a full-page screenshot.
//
// Driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3
// carries commands in, fd 4 answers out), so nothing listens on a port and no
// package beyond axe-core is needed.
//
// Usage: node measure.mjs CHROMIUM SHOTS_DIR < jobs.json > results.json
// jobs: [{"name": "aapl", "url": "http://127.0.0.1:PORT/t/AAPL", "width": 390}]
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [chromium, shots] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(0, "utf8"));
const here = dirname(fileURLToPath(import.meta.url));
const axe = readFileSync(join(here, "node_modules/axe-core/axe.min.js"), "utf8");

// A fresh profile per run, removed when chromium has gone: left behind, each
// run's 3 MB would pile up in the temporary directory of every machine it runs on.
const profile = mkdtempSync(join(tmpdir(), "alphadesk-chromium-"));
// Chromium's helper processes can still be writing into it for a moment after
// the browser process exits: retried, and never a reason to fail the run.
const removeProfile = () => {
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (e) {
    process.stderr.write(`measure.mjs: could not remove ${profile}: ${e.message}\n`);
  }
};
const browser = spawn(
  chromium,
  [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
    `--user-data-dir=${profile}`,
    "--remote-debugging-pipe", "about:blank",
  ],
  { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] },
);
const [toBrowser, fromBrowser] = [browser.stdio[3], browser.stdio[4]];
let nextId = 1;
const pending = new Map();
const listeners = [];
let buffer = Buffer.alloc(0);
fromBrowser.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  let end;
  while ((end = buffer.indexOf(0)) >= 0) {
    const msg = JSON.parse(buffer.subarray(0, end).toString("utf8"));
    buffer = buffer.subarray(end + 1);
    if (msg.id && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
    } else {
      for (const l of listeners) l(msg);
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  toBrowser.write(JSON.stringify({ id, method, params, sessionId }) + "\0");
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
function once(method, sessionId) {
  return new Promise((resolve) => {
    const l = (m) => {
      if (m.method === method && m.sessionId === sessionId) {
        listeners.splice(listeners.indexOf(l), 1);
        resolve(m.params);
      }
    };
    listeners.push(l);
  });
}
const deadline = setTimeout(() => {
  process.stderr.write("measure.mjs: gave up after 300 s\n");
  browser.kill("SIGKILL");
  browser.once("exit", () => {
    removeProfile();
    process.exit(2);
  });
}, 300_000);

// What the page looks like to a reader: no script of the page runs (it has
// none); these run in the inspector's context.
const MEASURE = `(() => {
  const vw = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    // Inside a box that scrolls on its own, width is that box's business.
    let scroller = el.parentElement, contained = false;
    while (scroller && scroller !== document.body) {
      const s = getComputedStyle(scroller);
      if (s.overflowX === "auto" || s.overflowX === "scroll" || s.overflowX === "hidden") { contained = true; break; }
      scroller = scroller.parentElement;
    }
    if (!contained && r.right > vw + 1) wide.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\\s+/g, ".") : "") + " right=" + Math.round(r.right));
  }
  return { viewport: vw, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 10),
           text: document.body.innerText, html: document.documentElement.outerHTML, title: document.title };
})()`;

const results = [];
try {
  for (const job of jobs) {
    const { targetId } = await send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
    await send("Page.enable", {}, sessionId);
    await send("Page.setBypassCSP", { enabled: true }, sessionId);
    await send("Emulation.setDeviceMetricsOverride", {
      width: job.width, height: 900, deviceScaleFactor: 1, mobile: job.width < 600,
    }, sessionId);
    const loaded = once("Page.loadEventFired", sessionId);
    await send("Page.navigate", { url: job.url }, sessionId);
    await loaded;
    const m = (await send("Runtime.evaluate", { expression: MEASURE, returnByValue: true }, sessionId)).result.value;
    let violations = null;
    if (job.axe) {
      await send("Runtime.evaluate", { expression: axe }, sessionId);
      const run = await send("Runtime.evaluate", {
        expression: `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
          .then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")) })))`,
        awaitPromise: true, returnByValue: true,
      }, sessionId);
      violations = run.result.value;
    }
    const shot = await send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true }, sessionId);
    const file = join(shots, `${job.name}-${job.width}.png`);
    writeFileSync(file, Buffer.from(shot.data, "base64"));
    results.push({ ...job, ...m, violations, screenshot: file });
    await send("Target.closeTarget", { targetId });
  }
  process.stdout.write(JSON.stringify(results));
} finally {
  clearTimeout(deadline);
  await new Promise((resolve) => {
    if (browser.exitCode !== null || browser.signalCode !== null) return resolve();
    browser.once("exit", resolve);
    browser.kill();
  });
  removeProfile();
}
