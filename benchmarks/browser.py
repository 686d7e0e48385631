"""Timings of the "All papers" table in headless Chromium: first render and filter keystrokes."""

from __future__ import annotations

import functools
import http.server
import statistics
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

# One keystroke = the value changes and the table is brought up to date, layout included. The
# table's 120 ms typing debounce is bypassed (a "change" event updates at once) so that the figure
# is the work a keystroke costs, not the deliberate pause.
KEYSTROKE = """
(text) => {
  const form = document.querySelector('#mls-papers form');
  const field = form.elements['q'];
  const times = [];
  for (let i = 1; i <= text.length; i++) {
    const t0 = performance.now();
    field.value = text.slice(0, i);
    form.dispatchEvent(new Event('change'));
    document.body.offsetHeight;
    times.push(performance.now() - t0);
  }
  field.value = '';
  form.dispatchEvent(new Event('change'));
  return times;
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def measure_table(site: Path, query: str = "lang") -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/papers/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            renders = []
            for _ in range(3):
                page.goto(url)
                page.wait_for_function(
                    "document.getElementById('mls-papers').hasAttribute('data-shown')", timeout=60000
                )
                renders.append(page.evaluate("performance.now()"))
            # Keystrokes are timed once the page has settled (the site search loads its index in
            # the background after the table is drawn), as when a reader starts typing.
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1000)
            strokes = page.evaluate(KEYSTROKE, query)
            browser.close()
    finally:
        server.shutdown()
    return {
        "first render": statistics.median(renders),
        "keystroke median": statistics.median(strokes),
        "keystroke max": max(strokes),
    }
