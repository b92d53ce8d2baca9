"""Load the registry from ``seeds/*.toml``, file by file (see ``seeds/README.md``)."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..models import (
    Cluster,
    ClusterIndicator,
    Designation,
    Enterprise,
    GIProduct,
    Honour,
    Region,
    RegionIndicator,
    Standard,
    StandardizationPilot,
    StandardRole,
    Trademark,
)
from .common import SeedError, SeedReport, Sources, find, upsert
from .samples import CITY_DIVISION_CODE, build_credit_code, expand_series, sample_enterprise_specs

REGISTRY_FILES = ("sources", "regions", "clusters", "holdings", "standards", "indicators")


def load_regions(data: Mapping[str, Any], report: SeedReport) -> dict[str, Region]:
    """Regions by name; a parent must come before its children in regions.toml."""
    regions: dict[str, Region] = {}
    for spec in data["regions"]:
        if spec["name"] in regions:
            raise SeedError(f"Region {spec['name']!r} appears twice in regions.toml.")
        parent = find(regions, spec["parent"], "region") if "parent" in spec else None
        code = spec.get("code") or None
        lookup = {"code": code} if code else {"parent": parent, "name": spec["name"]}
        values = {"name": spec["name"], "level": spec["level"], "parent": parent}
        if code is None:
            values["code"] = None
        regions[spec["name"]] = upsert(Region, lookup, {k: v for k, v in values.items() if k not in lookup}, report)
    return regions


def load_clusters(
    data: Mapping[str, Any], regions: Mapping[str, Region], sources: Sources, report: SeedReport
) -> dict[str, Cluster]:
    clusters: dict[str, Cluster] = {}
    numbers: set[int] = set()
    for spec in data["clusters"]:
        if spec["no"] in numbers or spec["name"] in clusters:
            raise SeedError(f"Cluster {spec['name']!r} repeats a name or seed number.")
        numbers.add(spec["no"])
        values = {
            "county": find(regions, spec["county"], "region"),
            "industry": spec["industry"],
            "level": spec["level"],
            "featured": spec.get("featured", False),
            "year_designated": spec.get("year_designated"),
            "lead_agency": spec.get("lead_agency", ""),
            "active": spec.get("active", True),
            "description": spec.get("description", ""),
            "source": sources.for_record(spec),
            "synthetic": spec.get("synthetic", False),
        }
        clusters[spec["name"]] = upsert(Cluster, {"name": spec["name"]}, values, report)
    return clusters


def load_enterprises(
    data: Mapping[str, Any], clusters: Mapping[str, Cluster], sources: Sources, report: SeedReport
) -> tuple[dict[str, Enterprise], dict[str, list[Enterprise]]]:
    """The named enterprises, then each cluster's samples.

    Returns every enterprise by name, and each cluster's sample enterprises in order.
    """
    enterprises: dict[str, Enterprise] = {}

    def add(name: str, credit_code: str, values: dict[str, Any]) -> Enterprise:
        if name in enterprises:
            raise SeedError(f"Enterprise {name!r} appears twice in the seeds.")
        enterprises[name] = upsert(Enterprise, {"credit_code": credit_code}, {"name": name, **values}, report)
        return enterprises[name]

    led = set()
    for spec in data["enterprises"]:
        cluster = find(clusters, spec["cluster"], "cluster")
        if spec.get("is_leading"):
            led.add(cluster.name)
        add(
            spec["name"],
            build_credit_code(cluster.county.code or CITY_DIVISION_CODE, f"PH{spec['code_serial']:07d}"),
            {
                "county": cluster.county,
                "cluster": cluster,
                "size": spec.get("size", Enterprise.Size.SMALL),
                "is_leading": spec.get("is_leading", False),
                "address": spec.get("address", ""),
                "source": sources.for_record(spec),
                "synthetic": False,
            },
        )

    samples: dict[str, list[Enterprise]] = {}
    for spec in data["clusters"]:
        cluster = clusters[spec["name"]]
        note = (
            "样例企业：文章未点名该集群的这家企业，企业名称、地址与统一社会信用代码均为虚构"
            "（代码按GB 32100-2015计算校验位生成）。"
        )
        samples[cluster.name] = []
        for sample in sample_enterprise_specs(spec, cluster.county, cluster.name in led):
            name, credit_code = sample.pop("name"), sample.pop("credit_code")
            values = {
                **sample,
                "county": cluster.county,
                "cluster": cluster,
                "source": sources.note("key_region_count", note),
                "synthetic": True,
            }
            samples[cluster.name].append(add(name, credit_code, values))
    return enterprises, samples


def load_holdings(
    data: Mapping[str, Any],
    regions: Mapping[str, Region],
    clusters: Mapping[str, Cluster],
    enterprises: Mapping[str, Enterprise],
    sources: Sources,
    report: SeedReport,
) -> None:
    """Honours, designations, trademarks, GI products and pilots, each by its natural key."""

    def holding(spec: Mapping[str, Any]) -> dict[str, Any]:
        return {"date": spec["date"], "source": sources.for_record(spec), "synthetic": spec.get("synthetic", False)}

    for spec in data.get("honours", []):
        enterprise = find(enterprises, spec["enterprise"], "enterprise")
        lookup = {"enterprise": enterprise, "kind": spec["kind"], "year": spec["year"], "title": spec["title"]}
        upsert(Honour, lookup, holding(spec), report)
    for spec in data.get("designations", []):
        enterprise = find(enterprises, spec["enterprise"], "enterprise")
        upsert(Designation, {"enterprise": enterprise, "kind": spec["kind"]}, holding(spec), report)
    for spec in data.get("trademarks", []):
        enterprise = find(enterprises, spec["enterprise"], "enterprise")
        values = {**holding(spec), "registration_number": spec.get("registration_number", "")}
        upsert(Trademark, {"enterprise": enterprise, "kind": spec["kind"], "name": spec["name"]}, values, report)
    for spec in data.get("gi_products", []):
        values = {
            **holding(spec),
            "cluster": find(clusters, spec["cluster"], "cluster") if "cluster" in spec else None,
        }
        lookup = {"name": spec["name"], "region": find(regions, spec["region"], "region")}
        upsert(GIProduct, lookup, values, report)
    for spec in data.get("pilots", []):
        values = {
            **holding(spec),
            "level": spec["level"],
            "status": spec["status"],
            "enterprise": find(enterprises, spec["enterprise"], "enterprise") if "enterprise" in spec else None,
        }
        lookup = {"cluster": find(clusters, spec["cluster"], "cluster"), "name": spec["name"]}
        upsert(StandardizationPilot, lookup, values, report)


def load_standards(
    data: Mapping[str, Any],
    samples: Mapping[str, list[Enterprise]],
    sources: Sources,
    report: SeedReport,
) -> None:
    """Every series of standards.toml: the standards, then who drafted them."""
    serials: set[int] = set()
    for series in data["series"]:
        drafters = find(samples, series["cluster"], "cluster")
        new_serials = set(range(series["first_serial"], series["first_serial"] + series["count"]))
        if serials & new_serials:
            raise SeedError(f"A standards series of {series['cluster']!r} reuses serial numbers.")
        serials |= new_serials
        source = sources.for_record(series)
        for spec in expand_series(series, len(drafters)):
            standard = upsert(
                Standard,
                {"number": spec.number},
                {"title": spec.title, "level": spec.level, "year": spec.year, "synthetic": True},
                report,
            )
            for index, role in spec.drafters:
                upsert(
                    StandardRole,
                    {"enterprise": drafters[index], "standard": standard},
                    {"role": role, "date": spec.date, "source": source, "synthetic": series["role_synthetic"]},
                    report,
                )


def load_indicators(
    data: Mapping[str, Any],
    regions: Mapping[str, Region],
    clusters: Mapping[str, Cluster],
    sources: Sources,
    report: SeedReport,
) -> None:
    """Cluster yearly indicators (samples) and the figures regions reported."""
    cluster_source = sources.for_record(data["cluster_indicator_source"])
    for spec in data.get("cluster_indicators", []):
        values = {
            "enterprise_count": spec.get("enterprise_count"),
            "output_value": _decimal(spec.get("output_value")),
            "total_profit": _decimal(spec.get("total_profit")),
            "source": cluster_source,
            "synthetic": True,
        }
        lookup = {"cluster": find(clusters, spec["cluster"], "cluster"), "year": spec["year"]}
        upsert(ClusterIndicator, lookup, values, report)
    for spec in data.get("region_indicators", []):
        lookup = {"region": find(regions, spec["region"], "region"), "key": spec["key"], "as_of": spec["as_of"]}
        values = {
            "label": spec["label"],
            "value": _decimal(spec["value"]),
            "unit": spec.get("unit", ""),
            "source": sources.for_record(spec),
        }
        upsert(RegionIndicator, lookup, values, report)


def _decimal(value: int | float | str | None) -> Decimal | None:
    # str() first: a TOML float such as 2.9 must become Decimal("2.9"), not its binary expansion.
    return None if value is None else Decimal(str(value))
