import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from clusters.models import Region
from reports.summary import quality_summary, summary_paragraph
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("load_seeds", verbosity=0)


def _summary(*args) -> dict:
    out = StringIO()
    call_command("quality_summary", "--region", "130200", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_tangshan_summary_of_2021_says_what_the_article_says(seeded):
    summary = _summary("--as-of", "2021-10-25")
    assert summary["region"] == {"code": "130200", "name": "唐山市"}
    assert summary["as_of"] == "2021-10-25"
    assert summary["since"] is None
    assert summary["key_regions"] == {"total": 15, "provincial": 3, "municipal": 12}
    assert summary["honours"]["provincial_quality_award"] == 7
    assert summary["honours"]["municipal_quality_award"] == 5
    assert summary["trademarks"]["well_known"] == 9
    assert summary["trademarks"]["gi"] == 2
    assert summary["gi_products"] == 1
    standards = summary["standards"]
    assert standards["international"] + standards["national"] + standards["industry"] >= 150
    work = summary["assistance"]
    assert work["support_teams"] == 5
    assert work["tickets_resolved"] >= 80
    assert work["trainings"] >= 30


def test_the_summary_since_2020_counts_only_what_is_new(seeded):
    summary = _summary("--as-of", "2021-10-25", "--since", "2020-01-01")
    assert summary["since"] == "2020-01-01"
    assert summary["honours"]["provincial_quality_award"] >= 4
    assert summary["trademarks"]["madrid"] >= 5
    assert summary["little_giants"]["national"] == 4


def test_the_json_has_exactly_the_agreed_shape(seeded):
    summary = _summary("--as-of", "2021-10-25")
    assert set(summary) == {
        "region",
        "as_of",
        "since",
        "key_regions",
        "honours",
        "trademarks",
        "gi_products",
        "standards",
        "little_giants",
        "pilots",
        "assistance",
        "instruments",
    }
    assert set(summary["honours"]) == {"china_quality_award", "provincial_quality_award", "municipal_quality_award"}
    assert set(summary["trademarks"]) == {"well_known", "madrid", "gi"}
    assert set(summary["standards"]) == {"international", "national", "industry", "local", "group", "enterprise"}
    assert set(summary["little_giants"]) == {"national", "provincial"}
    assert set(summary["pilots"]) == {"national", "provincial"}
    assert set(summary["assistance"]) == {"support_teams", "tickets_resolved", "visits", "trainings"}
    assert set(summary["instruments"]) == {
        "measures",
        "measures_done",
        "measures_overdue",
        "benchmarking_enterprises",
        "benchmarking_reached",
    }


def test_the_text_is_a_paragraph_in_the_articles_style(seeded):
    out = StringIO()
    call_command("quality_summary", "--region", "130200", "--as-of", "2021-10-25", "--format", "text", stdout=out)
    text = out.getvalue()
    assert text.startswith(
        "唐山市15个重点区域（省级3个、市级12个）拥有省政府质量奖7项、市政府质量奖5项，参与起草国际、国家、行业标准"
    )
    assert "15个重点区域" in text
    assert "省政府质量奖7项" in text


def test_figures_that_are_zero_are_left_out_of_the_paragraph(seeded):
    summary = quality_summary(Region.objects.get(code="130200"), as_of=datetime.date(2021, 10, 25))
    assert summary["honours"]["china_quality_award"] == 0
    text = summary_paragraph(summary)
    assert "中国质量奖" not in text
    assert "0项" not in text and "0个" not in text and "0件" not in text


def test_nothing_dated_after_the_as_of_date_is_counted(seeded):
    region = Region.objects.get(code="130200")
    before = quality_summary(region, as_of=datetime.date(2019, 12, 31), clusters_as_of=datetime.date(2021, 10, 25))
    assert before["honours"]["provincial_quality_award"] == 3
    assert before["trademarks"]["madrid"] == 0
    assert _summary("--as-of", "2019-12-31")["key_regions"]["total"] == 0


def test_a_county_summary_counts_only_that_county(seeded):
    summary = quality_summary(Region.objects.get(code="130283"), as_of=datetime.date(2021, 10, 25))
    assert summary["key_regions"] == {"total": 1, "provincial": 1, "municipal": 0}
    assert summary["honours"]["provincial_quality_award"] == 1
    assert summary_paragraph(summary).startswith("迁安市1个重点区域（省级1个）拥有省政府质量奖1项")


def test_the_command_refuses_bad_arguments(seeded):
    with pytest.raises(CommandError):
        call_command("quality_summary", "--region", "999999", "--format", "json")
    with pytest.raises(CommandError):
        call_command("quality_summary", "--region", "130200", "--as-of", "2021-02-30")
    with pytest.raises(CommandError):
        call_command("quality_summary", "--region", "130200", "--as-of", "2020-01-01", "--since", "2021-01-01")


def test_the_summary_page_shows_figures_paragraph_and_comparison(seeded, client):
    manager = UserFactory(jurisdiction=Region.objects.get(code="130200"), groups=["manager"])
    client.force_login(manager)
    response = client.get(reverse("reports:summary"), {"region": "130200", "as_of": "2021-10-25", "base_year": "2019"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "省政府质量奖7项" in body
    rows = {row["key"]: row for row in response.context["rows"]}
    assert rows["honours.provincial_quality_award"]["base"] == 3
    assert rows["honours.provincial_quality_award"]["value"] == 7
    assert rows["honours.provincial_quality_award"]["change"] == 133


def test_reported_indicators_are_labelled_as_reported(seeded, client):
    manager = UserFactory(jurisdiction=Region.objects.get(code="130200"), groups=["manager"])
    client.force_login(manager)
    response = client.get(reverse("reports:summary"), {"region": "130200", "as_of": "2022-12-31"})
    indicators = list(response.context["indicators"])
    assert {i.region.code for i in indicators} == {"130000"}
    body = response.content.decode()
    assert 'id="reported-indicators"' in body
    assert "107" in body


def test_a_county_user_cannot_ask_for_the_city_summary(seeded, client):
    inspector = UserFactory(jurisdiction=Region.objects.get(code="130283"), groups=["inspector"])
    client.force_login(inspector)
    response = client.get(reverse("reports:summary"), {"region": "130200", "as_of": "2021-10-25"})
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert "summary" not in response.context


def test_a_reviewer_may_not_open_the_summary(seeded, client):
    reviewer = UserFactory(jurisdiction=Region.objects.get(code="130200"), groups=["reviewer"])
    client.force_login(reviewer)
    assert client.get(reverse("reports:summary")).status_code == 403
