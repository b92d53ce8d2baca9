"""Arbitrary input to the ticket, visit and training forms: never a 500, never half a record."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assistance.models import Priority, ServicePartner, Ticket, TicketCategory, Training, Visit

from .factories import TicketFactory

pytestmark = pytest.mark.django_db

FUZZ = hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30, deadline=None)

# Anything a browser, a script or a broken phone might send in one field.
junk = st.one_of(
    st.text(max_size=300),
    st.integers().map(str),
    st.just(""),
    st.lists(st.one_of(st.text(max_size=20), st.integers().map(str)), min_size=1, max_size=3),
)
# Plausible free text: printable, possibly long, possibly only spaces.
prose = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=250)
some_date = st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat)


def _fill(data, fields: dict) -> dict:
    """Valid values for most fields and junk for up to three, so that examples both save and fail."""
    broken = data.draw(st.sets(st.sampled_from(sorted(fields)), max_size=3), label="broken fields")
    return {name: data.draw(junk if name in broken else strategy, label=name) for name, strategy in fields.items()}


def _sent(value) -> str:
    """What a single-valued field receives: the last of several values."""
    return str(value[-1] if isinstance(value, list) else value)


def _post(client, url, form, expected=(200, 302)):
    response = client.post(url, {name: value for name, value in form.items() if value is not None})
    assert response.status_code in expected, response.status_code
    return response


@FUZZ
@given(data=st.data())
def test_the_ticket_form_never_fails_on_bad_input(client_for, inspector, enterprise, data):
    form = _fill(
        data,
        {
            "enterprise": st.just(enterprise.pk),
            "category": st.sampled_from(list(TicketCategory.objects.filter(active=True).values_list("pk", flat=True))),
            "title": prose,
            "description": st.one_of(st.just(""), prose),
            "channel": st.sampled_from(Ticket.Channel.values),
            "priority": st.sampled_from(Priority.values),
            "partner": st.sampled_from(["", *ServicePartner.objects.values_list("pk", flat=True)]),
        },
    )
    before = Ticket.objects.count()
    response = _post(client_for(inspector), reverse("assistance:ticket-create"), form)
    if response.status_code == 302:
        ticket = Ticket.objects.latest("pk")
        assert Ticket.objects.count() == before + 1
        assert response.url == ticket.get_absolute_url()
        assert ticket.title == _sent(form["title"]).strip() and ticket.title
        assert (ticket.enterprise_id, ticket.created_by) == (enterprise.pk, inspector)
        assert ticket.number and ticket.due_at > ticket.opened_at
        assert ticket.events.filter(action="create").count() == 1
    else:
        assert Ticket.objects.count() == before
        assert response.context["form"].errors


@FUZZ
@given(data=st.data())
def test_the_ticket_edit_form_never_fails_on_bad_input(client_for, inspector, ticket, data):
    current = Ticket.objects.get(pk=ticket.pk)
    form = _fill(
        data,
        {
            "category": st.just(current.category_id),
            "title": prose,
            "description": st.one_of(st.just(""), prose),
            "channel": st.sampled_from(Ticket.Channel.values),
            "priority": st.sampled_from(Priority.values),
            "partner": st.just(""),
            "satisfaction": st.one_of(st.just(""), st.integers().map(str)),
            "version": st.just(current.version),
        },
    )
    url = reverse("assistance:ticket-update", args=[ticket.pk])
    # 409: a version that is a number but not the current one is a stale edit.
    response = _post(client_for(inspector), url, form, expected=(200, 302, 409))
    after = Ticket.objects.get(pk=ticket.pk)
    if response.status_code == 302:
        assert after.version == current.version + 1
        assert after.title == _sent(form["title"]).strip()
        assert after.satisfaction in (None, 1, 2, 3, 4, 5)
    else:
        assert (after.version, after.title, after.satisfaction) == (
            current.version,
            current.title,
            current.satisfaction,
        )


@FUZZ
@given(data=st.data())
def test_the_visit_form_never_fails_on_bad_input(client_for, inspector, team, enterprise, data):
    raise_ticket = data.draw(st.booleans(), label="raise a ticket")
    form = _fill(
        data,
        {
            "date": st.one_of(st.just(timezone.localdate().isoformat()), some_date),
            "enterprise": st.just(enterprise.pk),
            "team": st.sampled_from([team.pk, ""]),
            "inspectors": st.just(inspector.pk),
            "purpose": prose,
            "findings": st.one_of(st.just(""), prose),
            "solved_on_site": st.one_of(st.just(""), prose),
            "follow_up": st.one_of(st.just(""), prose),
            "ticket_category": st.sampled_from(
                list(TicketCategory.objects.filter(active=True).values_list("pk", flat=True))
            ),
            "ticket_title": prose,
            "ticket_description": st.one_of(st.just(""), prose),
            "ticket_priority": st.sampled_from(Priority.values),
        },
    )
    form["raise_ticket"] = "on" if raise_ticket else None
    visits, tickets = Visit.objects.count(), Ticket.objects.count()
    response = _post(client_for(inspector), reverse("assistance:visit-create"), form)
    if response.status_code == 302:
        visit = Visit.objects.latest("pk")
        assert Visit.objects.count() == visits + 1
        assert visit.purpose == _sent(form["purpose"]).strip() and visit.purpose
        assert list(visit.inspectors.all()) == [inspector]
        assert Ticket.objects.count() == tickets + (1 if raise_ticket else 0)
        if raise_ticket:
            assert Ticket.objects.get(raised_in_visit=visit).title == _sent(form["ticket_title"]).strip()
    else:
        assert (Visit.objects.count(), Ticket.objects.count()) == (visits, tickets)
        assert response.context["form"].errors


@FUZZ
@given(data=st.data())
def test_the_training_form_never_fails_on_bad_input(client_for, inspector, county, cluster, enterprise, data):
    form = _fill(
        data,
        {
            "date": st.one_of(st.just("2021-09-15"), some_date),
            "title": prose,
            "category": st.sampled_from(list(TicketCategory.objects.filter(active=True).values_list("pk", flat=True))),
            "region": st.just(county.pk),
            "place": st.one_of(st.just(""), prose),
            "attendee_count": st.integers(min_value=0, max_value=10_000).map(str),
            # None leaves the field out, as a browser does for a multiple select with nothing chosen.
            "clusters": st.sampled_from([cluster.pk, None]),
            "experts": st.just(None),
            "enterprises": st.sampled_from([enterprise.pk, None]),
        },
    )
    before = Training.objects.count()
    response = _post(client_for(inspector), reverse("assistance:training-create"), form)
    if response.status_code == 302:
        training = Training.objects.latest("pk")
        assert Training.objects.count() == before + 1
        assert training.title == _sent(form["title"]).strip() and training.title
        assert (training.region_id, training.created_by) == (county.pk, inspector)
        assert training.attendee_count >= 0
    else:
        assert Training.objects.count() == before
        assert response.context["form"].errors


@pytest.mark.parametrize("field", ["inspectors", "tickets_worked", "experts"])
def test_a_key_too_large_for_the_database_is_a_form_error(client_for, inspector, enterprise, field):
    data = {"date": "2021-05-01", "enterprise": enterprise.pk, "inspectors": inspector.pk, "purpose": "帮扶"}
    data[field] = str(10**30)
    response = client_for(inspector).post(reverse("assistance:visit-create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Visit.objects.exists()


def test_html_in_a_ticket_is_shown_escaped(client_for, inspector, enterprise):
    ticket = TicketFactory(
        enterprise=enterprise,
        title='<script>alert("title")</script>',
        description='<img src=x onerror="alert(1)">\n第二行',
    )
    client = client_for(inspector)
    list_url = reverse("assistance:ticket-list")
    for url in (ticket.get_absolute_url(), list_url, f"{list_url}?q=script"):
        body = client.get(url).content.decode()
        assert '<script>alert("title")</script>' not in body, url
        assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in body, url
    detail = client.get(ticket.get_absolute_url()).content.decode()
    assert "<img src=x" not in detail
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<br>第二行" in detail
