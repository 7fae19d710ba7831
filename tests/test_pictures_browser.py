"""The interactive pictures in a real browser: Debian's chromium + chromedriver, headless, offline.

Each test writes a page with `citygraph picture … --out X.html`, opens it from a file:// URL
with the browser's network switched off (and the page's own Content-Security-Policy allowing
nothing else), and looks at what a person would see: a screenshot whose land area is not
blank, a tooltip on hover, links to the partner's page, and labels holding <script> that stay
text.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1300,1000")


@pytest.fixture
def browser(tmp_path):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()) and not shutil.which("chromium"):
        pytest.fail("Debian's chromium and chromium-driver are needed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    try:
        yield driver
    finally:
        driver.quit()


def _land_variance(driver) -> tuple[float, float]:
    """(luminance variance over the countries' area, share of land-grey pixels there) in a screenshot."""
    from PIL import Image, ImageStat

    rect = driver.execute_script(
        "var r = document.querySelector('svg g.countries').getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom, window.devicePixelRatio];")
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    k = rect[4]
    box = (max(0, int(rect[0] * k)), max(0, int(rect[1] * k)), min(shot.width, int(rect[2] * k)), min(shot.height, int(rect[3] * k)))
    area = shot.crop(box)
    grey = area.convert("L")
    colours = area.getcolors(maxcolors=1 << 22) or []
    land = sum(n for n, c in colours if c == (0xDC, 0xDC, 0xDC))
    return ImageStat.Stat(grey).var[0], land / (area.width * area.height)


def _open(driver, path: Path) -> None:
    driver.get(path.resolve().as_uri())
    assert driver.execute_script("return document.readyState") == "complete"


def test_city_map_page_shows_the_map_and_details_on_hover(cli, browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = tmp_path / "nanjing.html"
    result = cli("picture", "map", "--city", "Nanjing", "--scope", "nanjing", "--base", "http://127.0.0.1:9/", "--out", page)
    assert result.exit_code == 0, result.stderr
    _open(browser, page)
    variance, land = _land_variance(browser)
    assert variance > 150 and land > 0.15  # land, sea, borders and arcs, not an empty box
    nagoya = browser.find_element(By.CSS_SELECTOR, 'a[data-qid="Q11751"]')
    assert nagoya.get_dom_attribute("href") == "http://127.0.0.1:9/id/place/Q11751"
    ActionChains(browser).move_to_element(nagoya).perform()
    tip = browser.find_element(By.ID, "cg-tip")
    assert tip.is_displayed() and tip.text.startswith("Nagoya, Japan (Q11751)")


def test_timeline_page_titles_events_with_their_quotes(cli, browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = tmp_path / "nagoya.html"
    assert cli("picture", "timeline", "--tie", "partnership:Q11751-Q16666", "--scope", "nanjing", "--out", page).exit_code == 0
    _open(browser, page)
    mark = browser.find_element(By.CSS_SELECTOR, 'a[data-event$="suspension-2012-02-21"]')
    ActionChains(browser).move_to_element(mark).perform()
    text = browser.find_element(By.ID, "cg-tip").text
    assert "on the 21 February, Nanjing called a suspension" in text and "Source: The Nanjinger" in text


def test_labels_holding_script_stay_text(cli, browser, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    added = Path(__file__).parent / "data" / "pictures" / "evil-labels.ttl"
    page = tmp_path / "evil.html"
    result = cli("picture", "map", "--city", "Q16666", "--scope", "nanjing", "--add", added, "--out", page)
    assert result.exit_code == 0, result.stderr
    _open(browser, page)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it is the check
    assert browser.execute_script("return document.querySelectorAll('main script, main img').length") == 0
    label = browser.execute_script("return document.querySelector('a[data-tie$=\"test-script-label\"] title').textContent")
    assert label.startswith("<script>alert(1)</script>")


@pytest.mark.world
def test_world_map_page_shows_the_world(world, browser, tmp_path):
    from citygraph.pictures import render

    page = tmp_path / "world.html"
    page.write_bytes(render("map", world.store, fmt="html"))
    _open(browser, page)
    variance, land = _land_variance(browser)
    assert variance > 150 and land > 0.02  # density over the land, the land still showing between routes
