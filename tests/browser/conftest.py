"""Browser tests: Playwright (from PyPI) driving Debian's Chromium, axe-core on every page.

Use the ``browse`` fixture: ``browse.goto("/plan/")`` loads a page of the live server and runs
axe-core on it, failing on any violation; call ``browse.check()`` after an interaction that
changes the page. ``browse.page`` is the Playwright page; ``browse.login(user)`` signs in.
"""

from __future__ import annotations

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


class Browse:
    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, *, check: bool = True, expect_status: int | None = 200):
        response = self.page.goto(self.url(path))
        if expect_status is not None:
            assert response is not None and response.status == expect_status, (
                f"{path}: HTTP {response.status if response else None}"
            )
        if check:
            self.check()
        return response

    def check(self) -> None:
        """Run axe-core (WCAG 2.1 A/AA) on the current page; fail on any violation, and on any
        Content-Security-Policy or script error in the console."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = results.response["violations"]
        assert not violations, f"axe violations on {self.page.url}:\n" + "\n".join(
            f"- {v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:5]})"
            for v in violations
        )
        csp = [e for e in self.console_errors if "Content Security Policy" in e or "Refused" in e]
        assert not csp, f"CSP errors on {self.page.url}: {csp}"

    def login(self, user, password: str = "motdepasse-solide-2026") -> None:
        self.goto("/compte/login/")
        self.page.fill("input[name=login]", user.email)
        self.page.fill("input[name=password]", password)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_load_state()


@pytest.fixture
def browse(browser, live_server, transactional_db, settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Browse(page, live_server.url)
    context.close()


@pytest.fixture
def phone(browser, live_server, transactional_db):
    """A small screen (360 px wide), as most residents use."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    yield Browse(page, live_server.url)
    context.close()
