"""Opt-in (TAHQIQ_SCREENSHOTS=1): the generated workspace in a real headless Chromium at 1440×900, against the real
Label Studio of the session. Saves screenshots (in $TAHQIQ_SCREENSHOTS_DIR, else the test's tmp folder) and checks
what the labeling config promises: relation arcs off the text until a relation is pointed at (then drawn with its
label), a selected number's attributes down to `bound` without scrolling, region texts right-to-left in the
Regions list and the Info panel.

Needs the `playwright` package and a Chromium (`TAHQIQ_CHROMIUM`, else `chromium` on PATH, e.g. Debian's)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from test_studio import gold_copy, task_ids

from tahqiq.generate import REGION_TEXTS, RELATIONS_OVERLAY
from tahqiq.studio.home import load_credentials
from tahqiq.studio.push import push
from tahqiq.studio.server import running_session

from conftest import PROJECT

CHROMIUM = os.environ.get("TAHQIQ_CHROMIUM") or shutil.which("chromium")
pytestmark = [
    pytest.mark.studio,
    pytest.mark.skipif(os.environ.get("TAHQIQ_SCREENSHOTS") != "1", reason="opt-in: set TAHQIQ_SCREENSHOTS=1"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (set TAHQIQ_CHROMIUM or put chromium on PATH)"),
]
WIDTH, HEIGHT = 1440, 900


def opacity_of_arcs(page) -> str:
    return page.evaluate(f"() => getComputedStyle(document.querySelector('.{RELATIONS_OVERLAY}')).opacity")


def select_a_number(page, shown, timeout_error: type[Exception], tries: int = 20) -> None:
    """Click a NUM region until its attributes show: the text is drawn before the editor takes clicks."""
    for _ in range(tries):
        page.locator(".htx-highlight[data-label$=':NUM']").first.click()
        try:
            shown.wait_for(timeout=3_000)
            return
        except timeout_error:
            continue
    pytest.fail("selecting a number region never showed its attributes")


def test_the_workspace_at_1440_by_900(studio_home, studio_client, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    shots = Path(os.environ.get("TAHQIQ_SCREENSHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    push(project=PROJECT, home=studio_home, annotations_dir=gold_copy(tmp_path), title="screens")
    (project_id,) = [p.id for p in studio_client.projects.list(title="screens") if p.title == "screens"]
    task_id = task_ids(studio_client, "screens")["001_5cf1961b90bbc695"]
    url, creds = running_session(studio_home).url, load_credentials(studio_home)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(f"{url}/user/login/")
            page.fill("input[name=email]", creds.username)
            page.fill("input[name=password]", creds.password)
            page.click("button[type=submit]")
            page.goto(f"{url}/projects/{project_id}/data?task={task_id}")
            page.wait_for_selector(".htx-highlight[data-label$=':NUM']", timeout=120_000)
            page.screenshot(path=shots / "workspace.png")
            assert opacity_of_arcs(page) == "0"  # no arcs over the text

            bound = page.locator("h4", has_text=re.compile("^bound$")).first  # how 1.23 draws <Header size="6">
            select_a_number(page, bound, sync_api.TimeoutError)
            page.screenshot(path=shots / "number-selected.png")
            assert bound.bounding_box()["y"] + bound.bounding_box()["height"] <= HEIGHT  # no scrolling
            for name in REGION_TEXTS:
                direction = page.evaluate(f"() => getComputedStyle(document.querySelector('.{name}')).direction")
                assert direction == "rtl", name

            page.get_by_text("Relations", exact=True).first.click()
            page.locator(".lsf-relations__item").first.hover()
            page.wait_for_function(f"() => getComputedStyle(document.querySelector('.{RELATIONS_OVERLAY}'))"
                                   ".opacity === '1'")
            page.screenshot(path=shots / "relation-pointed-at.png")
        finally:
            browser.close()
