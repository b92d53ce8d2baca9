"""factory-boy factories for the registry."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group

from clusters.models import (
    Cluster,
    Designation,
    Enterprise,
    Honour,
    Region,
    Standard,
    StandardizationPilot,
    StandardRole,
    Trademark,
    User,
)
from clusters.validators import CREDIT_CODE_CHARSET, credit_code_check_character

_code_counter = itertools.count(1)


def make_credit_code(n: int | None = None) -> str:
    """A valid, unique unified social credit code."""
    n = next(_code_counter) if n is None else n
    body = ""
    for _ in range(9):
        n, digit = divmod(n, len(CREDIT_CODE_CHARSET))
        body = CREDIT_CODE_CHARSET[digit] + body
    first17 = "91130200" + body
    return first17 + credit_code_check_character(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试县{n}")
    level = Region.Level.COUNTY
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")
    jurisdiction = None

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"测试产业集群{n}")
    county = factory.SubFactory(RegionFactory)
    industry = "装备制造"
    level = Cluster.Level.MUNICIPAL
    year_designated = 2020


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)
    cluster = factory.SubFactory(ClusterFactory)
    county = factory.LazyAttribute(lambda o: o.cluster.county if o.cluster else RegionFactory())


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Honour.Kind.PROVINCIAL_QUALITY_AWARD
    title = "河北省政府质量奖"
    year = 2021
    date = datetime.date(2021, 6, 1)
    source = "测试"


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Designation

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Designation.Kind.NATIONAL_LITTLE_GIANT
    date = datetime.date(2021, 7, 1)
    source = "测试"


class TrademarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trademark

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"测试商标{n}")
    kind = Trademark.Kind.WELL_KNOWN
    date = datetime.date(2020, 5, 1)
    source = "测试"


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard

    number = factory.Sequence(lambda n: f"GB/T {90000 + n}-2020")
    title = factory.Sequence(lambda n: f"测试标准{n}")
    level = Standard.Level.NATIONAL
    year = 2020


class StandardRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardRole

    enterprise = factory.SubFactory(EnterpriseFactory)
    standard = factory.SubFactory(StandardFactory)
    role = StandardRole.Role.LEAD
    date = datetime.date(2020, 9, 1)
    source = "测试"


class StandardizationPilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardizationPilot

    name = factory.Sequence(lambda n: f"测试标准化试点{n}")
    level = StandardizationPilot.Level.PROVINCIAL
    cluster = factory.SubFactory(ClusterFactory)
    date = datetime.date(2021, 3, 1)
    source = "测试"
