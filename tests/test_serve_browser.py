"""The pages in a real browser: Debian's chromium + chromedriver driven by selenium, headless,
with every host name but 127.0.0.1 unresolvable, against `citygraph serve` as a subprocess.

Screenshots are saved under the test session's temporary folder (the path is printed; run
pytest with -s to see it). Each page visited is checked for basic accessibility: a lang
attribute, one h1, a label for every input, an alt text for every image, and no request
leaving 127.0.0.1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import serve_server

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1280,1400",
         # the network is off except 127.0.0.1: every other host name fails to resolve
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots of the served pages: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromedriver are needed (Debian packages chromium, chromium-driver; .ci/run installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def browser_without_js(tmp_path_factory):
    """The same browser with JavaScript switched off: the pages' <noscript> content is shown."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile-nojs')}"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def shown_pictures(driver, count: int) -> list:
    """The page's pictures once our script has put them inline: each slot scrolled into view (the
    ones below the fold are asked for when they come near), then `count` inline <svg> waited for."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    for slot in driver.find_elements(By.CSS_SELECTOR, "figure.picture[data-picture]"):
        driver.execute_script("arguments[0].scrollIntoView()", slot)
    WebDriverWait(driver, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "figure.picture[data-shown] > svg")) >= count)
    driver.execute_script("window.scrollTo(0, 0)")
    return driver.find_elements(By.CSS_SELECTOR, "figure.picture > svg")


def check_page(driver, served: str, shots: Path, name: str) -> None:
    """Screenshot, then basic accessibility and no request off 127.0.0.1."""
    from selenium.webdriver.common.by import By

    driver.save_screenshot(str(shots / f"{name}.png"))
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert len(driver.find_elements(By.TAG_NAME, "h1")) == 1
    for field in driver.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), select, textarea"):
        ident = field.get_attribute("id")
        labelled = bool(ident) and driver.find_elements(By.CSS_SELECTOR, f'label[for="{ident}"]')
        assert labelled or field.get_attribute("aria-label"), f"{name}: an input without a label: {field.get_attribute('outerHTML')}"
    for img in driver.find_elements(By.TAG_NAME, "img"):
        assert (img.get_attribute("alt") or "").strip(), f"{name}: an image without alt text"
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(r.startswith(served) for r in resources), resources


def test_landing_page(browser, served, shots):
    from selenium.webdriver.common.by import By

    browser.get(served + "/")
    assert "knowledge graph of city diplomacy" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, "#downloads a[href='/download/citygraph.trig']")
    shown = shown_pictures(browser, 2)  # the world growth chart and map, each its own request, inline
    assert [svg.get_attribute("aria-labelledby").split()[0] for svg in shown] == ["cg-growth-title", "cg-world-title"]
    assert all(svg.rect["width"] > 300 and svg.rect["height"] > 150 for svg in shown)
    check_page(browser, served, shots, "landing")


def test_nanjing_lists_its_twenty_partners(browser, served, shots):
    from selenium.webdriver.common.by import By

    browser.get(served + "/id/place/Q16666")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nanjing"
    partners = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#partners td.partner")]
    assert len(partners) == 20
    assert {"Nagoya", "St. Louis", "Florence", "Shiraz"} <= set(partners)
    check_page(browser, served, shots, "nanjing")


def test_nanjing_map_marks_each_curated_partner(browser, served, shots):
    from selenium.webdriver.common.by import By

    browser.get(served + "/id/place/Q16666")
    tied = {a.get_attribute("href").rsplit("/", 1)[1] for a in browser.find_elements(By.CSS_SELECTOR, "#partners td.partner a")}
    assert len(tied) == 20  # the curated partners, as the page's own table lists them
    assert [svg.get_attribute("aria-labelledby").split()[0] for svg in shown_pictures(browser, 2)] == ["cg-map-title", "cg-ties-title"]
    marks = browser.find_elements(By.CSS_SELECTOR, "figure.picture svg a.mark.partner")
    assert {m.get_attribute("data-qid") for m in marks} == tied and len(marks) == 20
    for mark in marks:  # drawn, inside the map, with a size on screen
        box = mark.rect
        assert box["width"] > 0 and box["height"] > 0, mark.get_attribute("data-qid")
    check_page(browser, served, shots, "nanjing-pictures")
    nagoya = next(m for m in marks if m.get_attribute("data-qid") == "Q11751")
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", nagoya)
    assert browser.current_url == served + "/id/place/Q11751"  # a click stays on this server
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nagoya"


def test_without_javascript_the_pictures_are_images(browser_without_js, served, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser_without_js
    driver.get(served + "/id/place/Q16666")
    assert not driver.find_elements(By.CSS_SELECTOR, "figure.picture > svg")  # nothing inlined: the page's script did not run
    images = driver.find_elements(By.CSS_SELECTOR, "figure.picture img")
    assert [img.get_attribute("src") for img in images] == [served + "/pictures/id/place/Q16666/map.svg",
                                                            served + "/pictures/id/place/Q16666/ties.svg"]
    for img in images:  # loaded and drawn: no broken image
        driver.execute_script("arguments[0].scrollIntoView()", img)
        WebDriverWait(driver, 30).until(lambda d, img=img: d.execute_script("return arguments[0].complete", img))
        assert driver.execute_script("return arguments[0].naturalWidth", img) > 300, img.get_attribute("src")
        assert img.get_attribute("alt").startswith(("Map: Nanjing", "Timeline: the ties of Nanjing"))
    check_page(driver, served, shots, "nanjing-without-javascript")


def test_nagoya_nanjing_shows_the_2012_suspension(browser, served, shots):
    from selenium.webdriver.common.by import By

    browser.get(served + "/id/partnership/Q11751-Q16666")
    events = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#history li.event")]
    suspension = [e for e in events if e.startswith("2012-02-21")]
    assert suspension and "suspension" in suspension[0].lower()
    assert "official exchanges with the Nagoya municipal government" in suspension[0]
    check_page(browser, served, shots, "nagoya-nanjing")


def test_query_page_runs_partners_and_links_to_a_partner(browser, served, shots):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(served + "/query")
    check_page(browser, served, shots, "query")
    Select(browser.find_element(By.ID, "stored")).select_by_value("partners")  # the page's script submits the choice
    wait = WebDriverWait(browser, 30)
    run = wait.until(ec.element_to_be_clickable((By.ID, "run-stored")))
    assert browser.find_element(By.ID, "param-city").get_attribute("value") == "place:Q16666"
    run.click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results table.results tbody tr")))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results table.results tbody tr")
    assert len(rows) == 20
    assert "name=partners" in browser.current_url and "run=1" in browser.current_url  # shareable
    check_page(browser, served, shots, "query-partners")
    link = rows[0].find_element(By.CSS_SELECTOR, "td a[href^='/id/place/']")
    target = link.get_attribute("href")
    link.click()
    wait.until(ec.url_to_be(target))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Nagoya"
    check_page(browser, served, shots, "nagoya")


def test_hostile_labels_do_not_run(browser, request, tmp_path_factory, shots):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    tight = serve_server.start("tight", serve_server.TIGHT_ARGS, request.config, tmp_path_factory.mktemp("serve-tight"))
    for path in ("/id/person/xss-test", "/id/place/Q16666", "/search?q=mallory"):
        browser.get(tight + path)
        assert browser.execute_script("return window.citygraphPwned === undefined"), path
    browser.get(tight + "/id/place/Q16666")  # the map names a partner labelled with markup (evil-labels.ttl)
    shown_pictures(browser, 2)
    evil = browser.find_element(By.CSS_SELECTOR, "figure.picture svg a.mark.partner[data-tie$='test-script-label']")
    assert evil.find_element(By.TAG_NAME, "title").get_attribute("textContent").startswith("<script>alert(1)</script>")
    assert browser.execute_script("return document.querySelectorAll('figure.picture script, figure.picture img').length") == 0
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it is the check
    browser.get(tight + "/id/person/xss-test")
    assert browser.find_element(By.TAG_NAME, "h1").text == "<script>window.citygraphPwned = 'label'</script>Mallory"
    check_page(browser, tight, shots, "hostile-labels")
