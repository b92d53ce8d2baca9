import pytest

from tests.e2e.conftest import sign_in
from tests.e2e.guide import guide_shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_inspector_finds_the_provincial_quality_award_of_shougang_zhixin(seeded, page):
    sign_in(page, seeded.url, "inspector_qianan", viewport={"width": 1366, "height": 900})
    page.click("nav >> text=产业集群")
    page.wait_for_url("**/clusters/")
    assert page.locator("table").inner_text().count("产业集群") >= 1
    # The inspector of 迁安市 sees only the clusters of 迁安市.
    assert "丰润区智能轨道交通产业集群" not in page.content()
    page.click("text=迁安市钢铁产业集群")
    page.wait_for_selector("h1:has-text('迁安市钢铁产业集群')")
    page.click("text=首钢智新迁安电磁材料有限公司")
    page.wait_for_selector("h1:has-text('首钢智新迁安电磁材料有限公司')")
    honours = page.locator("#holdings li.list-group-item", has_text="河北省政府质量奖")
    assert honours.count() == 1
    assert "省政府质量奖" in honours.first.inner_text()
    guide_shot(page, "inspector-enterprise")


def test_the_navigation_works_on_a_phone_screen(seeded, page):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, seeded.url, "inspector_qianan")
    menu = page.locator("#main-nav")
    assert not menu.is_visible()
    page.click("button.navbar-toggler")
    menu.locator("text=企业").wait_for(state="visible")
    page.click("#main-nav >> text=企业")
    page.wait_for_url("**/clusters/enterprises/")
    assert page.locator("h1").inner_text() == "企业"
    # Nothing on the page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
