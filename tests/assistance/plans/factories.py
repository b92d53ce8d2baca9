"""factory-boy factories for plans, measures and chains."""

import datetime

import factory
from django.utils import timezone

from assistance.plans.models import ChainLink, ChainProject, Measure, MeasureProgress, Plan


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"测试实施方案{n}")
    issuing_body = "唐山市市场监督管理局"
    start_date = datetime.date(2020, 1, 1)
    end_date = datetime.date(2022, 12, 31)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"测试举措{n}")
    owner_unit = "市市场监管局质量发展科"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))

    @factory.post_generation
    def clusters(self, create, extracted, **kwargs):
        if create and extracted:
            self.clusters.set(extracted)


class ProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureProgress

    measure = factory.SubFactory(MeasureFactory)
    date = datetime.date(2021, 6, 1)
    note = "进展说明"
    status = "under_way"


class ChainLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChainLink
        skip_postgeneration_save = True

    year = 2021
    segment = ChainLink.Segment.MIDSTREAM
    name = factory.Sequence(lambda n: f"环节{n}")

    @factory.post_generation
    def enterprises(self, create, extracted, **kwargs):
        if create and extracted:
            self.enterprises.set(extracted)


class ChainProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChainProject

    link = factory.SubFactory(ChainLinkFactory)
    kind = ChainProject.Kind.FILL
    title = factory.Sequence(lambda n: f"补链项目{n}")
