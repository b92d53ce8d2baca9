"""factory-boy factories for the assistance app."""

import datetime

import factory
from django.utils import timezone

from assistance import services
from assistance.models import Expert, Priority, SupportTeam, TeamMembership, Ticket, TicketCategory, Training, Visit
from tests.factories import EnterpriseFactory, RegionFactory, UserFactory

# Fields of a ticket that `ticket_create` takes; anything else given to TicketFactory is state set afterwards.
_CREATE_FIELDS = ("enterprise", "category", "title", "description", "channel", "priority", "partner", "raised_in_visit")


def default_category() -> TicketCategory:
    """A category from the reference data the migrations load."""
    return TicketCategory.objects.get(code="metrology")


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"专家{n}")
    organisation = "唐山市计量测试所"
    specialities = "计量"


class SupportTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportTeam
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"入企帮扶工作组{n}")
    region = factory.SubFactory(RegionFactory)
    active_from = datetime.date(2021, 1, 1)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        """`members=[user, ...]`: current members since the team's start."""
        if create and extracted:
            for user in extracted:
                TeamMembership.objects.create(team=self, user=user, joined_on=self.active_from)


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(SupportTeamFactory)
    user = factory.SubFactory(UserFactory)
    joined_on = datetime.date(2021, 1, 1)
    left_on = None


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket opened through `services.ticket_create`, so it has a real number, due date and creation event.

    Other fields given (status, team, assignee, waiting_since...) are written afterwards, to put a ticket
    straight into a state without walking the lifecycle.
    """

    class Meta:
        model = Ticket

    enterprise = factory.SubFactory(EnterpriseFactory)
    category = factory.LazyFunction(default_category)
    title = factory.Sequence(lambda n: f"求助事项{n}")
    description = "企业请求帮助"
    channel = Ticket.Channel.WINDOW
    priority = Priority.NORMAL
    created_by = None
    opened_at = None

    @classmethod
    def _create(cls, model_class, *args, created_by=None, opened_at=None, **kwargs):
        fields = {name: kwargs.pop(name) for name in _CREATE_FIELDS if name in kwargs}
        ticket = services.ticket_create(user=created_by, opened_at=opened_at, **fields)
        if kwargs:
            model_class.objects.filter(pk=ticket.pk).update(**kwargs)
            ticket.refresh_from_db()
        return ticket


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    enterprise = factory.SubFactory(EnterpriseFactory)
    team = None
    purpose = factory.Sequence(lambda n: f"入企帮扶{n}")
    findings = "计量器具未按期检定"

    @factory.post_generation
    def inspectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.inspectors.set(extracted)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training
        skip_postgeneration_save = True

    date = datetime.date(2021, 9, 15)
    title = factory.Sequence(lambda n: f"质量管理培训{n}")
    category = factory.LazyFunction(lambda: TicketCategory.objects.get(code="quality"))
    region = factory.SubFactory(RegionFactory)
    place = "迁安市市场监管局"
    attendee_count = 30

    @factory.post_generation
    def clusters(self, create, extracted, **kwargs):
        if create and extracted:
            self.clusters.set(extracted)

    @factory.post_generation
    def experts(self, create, extracted, **kwargs):
        if create and extracted:
            self.experts.set(extracted)

    @factory.post_generation
    def enterprises(self, create, extracted, **kwargs):
        if create and extracted:
            self.enterprises.set(extracted)
