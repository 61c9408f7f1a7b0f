"""The README of a generated pack: what it holds and what was put in it on purpose."""

from __future__ import annotations

import numpy as np

from workbench.sample import layout
from workbench.sample.enterprises import ENTERPRISE_IDS, ENTERPRISES, MISSING_DAYS, projected_share
from workbench.sample.followup import SEVERAL_OPEN, STALLED
from workbench.sample.mass_testing import DOOR, FIXED, MOBILE
from workbench.sample.model import SamplePack
from workbench.sample.operations import BRIDGE, BRIDGE_DAY, MISSING_REPORT
from workbench.sample.sampling import BETWEEN_ROUNDS
from workbench.sample.supply import COMMODITIES, MARKETS, PACKAGES, SUPPLIERS

REPORTED_SITES = 126


def _files(pack: SamplePack) -> str:
    t = pack.tables
    areas = pack.areas
    rows = [
        (layout.AREAS, "GeoJSON, UTF-8, GCJ-02",
         f"{len(areas.street_ids)} streets and {len(areas.community_ids)} communities "
         "(Polygon; area_id, name, level, parent_id, population, households)"),
        (layout.ZONES, "CSV, UTF-8", f"{len(t['zones']):,} rows: each community's zone "
         "(sealed / controlled / prevention) per day, 4-9 October"),
        (layout.TESTING_SITES, "CSV, **GB18030**, Chinese headers",
         f"{len(pack.sites.ids)} testing sites (renamed by the catalog)"),
        (layout.ROUNDS, "CSV, UTF-8", f"{len(t['rounds'])} mass-testing rounds"),
        (layout.SAMPLING, "Parquet (zstd), naive timestamp[s]",
         f"{pack.sampling_rows:,} rows: one person sampled once "
         "(person_key is a pseudonym)"),
        (layout.CHECKPOINTS, "CSV, UTF-8", f"{len(t['checkpoints'])} road checkpoints"),
        (layout.CHECKPOINT_DAILY, "CSV, UTF-8",
         f"{len(t['checkpoint_daily'])} rows: a checkpoint's 08:00-to-08:00 day, dated the day "
         "it ends, 1-9 October"),
        (layout.PLACES, "CSV, UTF-8", f"{len(t['places'])} places under supervision, nine kinds"),
        (layout.INSPECTIONS, f"XLSX, sheet {layout.INSPECTIONS_SHEET}, Chinese headers, 是/否",
         f"{len(t['inspections'])} visits by supervision teams and working groups, 1-9 October"),
        (layout.ENTERPRISES, "CSV, UTF-8, closed_loop as true/false",
         f"{len(t['enterprises'])} key enterprises"),
        (layout.PRODUCTION, "Parquet (zstd)",
         f"{pack.production.num_rows:,} rows: daily output per product since 1 January 2022"),
        (layout.TARGETS, "CSV, UTF-8", f"{len(t['targets'])} annual targets for 2022"),
        (layout.ENTERPRISE_CHECKS, "CSV, UTF-8, items as 是/否",
         f"{len(t['enterprise_checks'])} weekly \"eight in place\" checks, September-October"),
        (layout.SUPPLIERS, "CSV, UTF-8", f"{len(t['suppliers'])} supply enterprises"),
        (layout.PACKAGES, "CSV, UTF-8",
         f"{len(t['packages'])} vegetable packages with price (元) and contents"),
        (layout.DELIVERIES, "CSV, UTF-8",
         f"{len(t['deliveries'])} rows: a supplier's deliveries to a sealed or controlled community in "
         "an 08:00-to-08:00 day, dated the day it ends, 5-9 October"),
        (layout.PRICES, "CSV, **GB18030**, Chinese headers",
         f"{len(t['prices']):,} daily prices: {len(COMMODITIES)} commodities at {len(MARKETS)} markets, "
         "1 September-9 October (renamed by the catalog)"),
        (layout.PRICE_BASELINES, "CSV, UTF-8",
         f"{len(t['price_baselines'])} baselines: each commodity's mean September price"),
        (layout.QUARANTINE_CHECKS, "CSV, UTF-8, Chinese headers",
         f"{len(t['quarantine_checks'])} rows: home-quarantine checks per community and 08:00-to-08:00 "
         "day, counts of households only, 4-9 October"),
        (layout.MEDICAL_WASTE, "CSV, UTF-8",
         f"{len(t['medical_waste'])} medical-waste collections at the testing sites, 4-8 October"),
        (layout.ENTERPRISE_REQUESTS, "CSV, UTF-8",
         f"{len(t['enterprise_requests'])} requests of the enterprises (要素保障: 原料运输, 用地审批, 资金, "
         "用工, 电力, 物流, 融资, 税务) and the department answering each, 26 September-9 October"),
        (layout.PROJECTS, "CSV, UTF-8", f"{len(t['projects'])} major projects, investment in 万元 or 亿元"),
        (layout.PROJECT_MILESTONES, "CSV, UTF-8",
         f"{len(t['project_milestones'])} approval procedures (前期手续) of the projects, planned and done"),
        (layout.STAFFING, "CSV, UTF-8",
         f"{len(t['staffing']):,} rows: front-line people planned and on duty per unit and role, "
         "4-9 October"),
        (layout.ADMIN_BOUNDARIES, "GeoJSON, UTF-8, GCJ-02",
         "real administrative boundaries of Baotou (context layer, see below)"),
    ]
    lines = ["| file | format | content |", "|---|---|---|"]
    lines += [f"| `{f}` | {fmt} | {what} |" for f, fmt, what in rows]
    return "\n".join(lines)


def _community(pack: SamplePack, index: int) -> str:
    return f"`{pack.areas.community_ids[index]}` {pack.areas.community_names[index]}"


def _testing_imperfections(pack: SamplePack) -> list[str]:
    story = pack.records.story
    sites, sit = pack.sites, pack.situation
    kinds = {k: int((sites.kinds == k).sum()) for k in (FIXED, MOBILE, DOOR)}
    sealed = ", ".join(f"{_community(pack, c)} (from {d})"
                       for c, d in zip(sit.sealed, sit.sealed_from, strict=True))
    controlled = ", ".join(f"`{pack.areas.community_ids[c]}`"
                           for c in np.unique(np.concatenate(sit.controlled)))
    in_sealed = np.isin(sites.community, sit.sealed) & (sites.kinds != DOOR)
    closed = ", ".join(f"`{sites.ids[i]}`" for i in np.flatnonzero(in_sealed))
    short = ", ".join(f"{_community(pack, c)} {share:.1%}" for c, share in story.short.items())
    silent = sites.silent
    evenings = " and ".join(f"{start[:10]} {start[11:16]}-{end[11:16]}"
                            for start, end in BETWEEN_ROUNDS)
    return [
        f"- **Sealed communities** (zone `sealed`): {sealed}. From the day they are sealed "
        "their residents are sampled only by their door-to-door teams (~99 % per round) and "
        f"their own sites ({closed}) stop reporting: a silent-site check flags those that "
        "had reported on most days before, for a reason the zones explain. Their neighbours "
        f"are `controlled`: {controlled}.",
        f"- **Short of 95 % in round R3**: {short}. Every other community is at 95.5-99.5 % "
        "in every round.",
        f"- **Silent site**: `{sites.ids[silent]}` {sites.names[silent]} (fixed, in "
        f"{_community(pack, sites.community[silent])}) reported every day 4-7 October and has "
        "**no row on 8 October**; its residents went to other sites.",
        f"- **Duplicates**: {story.duplicates:,} persons sampled twice within one round.",
        f"- **Outside the round windows**: {story.outside_window:,} routine samples on "
        f"{evenings}.",
        f"- **Sampled far from home**: {story.far_away:,} samples at a site of some other "
        "community picked at random (near work, say); about 3 % more at a neighbouring "
        "community's site.",
        f"- **At the edge of a window**: {story.at_boundary} samples exactly at a round's "
        "start or end second (inside the window: it is closed at both ends).",
        f"- Sites: {kinds[FIXED]} fixed, {kinds[MOBILE]} mobile, {kinds[DOOR]} door-to-door; "
        "some fixed sites run above their hourly capacity at the morning peak.",
    ]


def _followup_fact(pack: SamplePack) -> str:
    t = pack.tables
    today = t["staffing"][t["staffing"]["date"] == layout.REPORT_DATE_TEXT]
    on_duty, planned = int(today["on_duty"].sum()), int(today["planned"].sum())
    return (f"- **Follow-up work**: `{SEVERAL_OPEN}` waits on several open requests; project `{STALLED}` has "
            "done no procedure since August; on the report date "
            f"{on_duty:,} front-line workers are on duty of {planned:,} "
            "planned (4000余名一线抗疫工作者), a few units short of their plan.")


def _other_imperfections(pack: SamplePack) -> list[str]:
    cps = pack.tables["checkpoints"]
    missing_cp = cps.loc[cps["name"] == MISSING_REPORT[0], "checkpoint_id"].iloc[0]
    gaps = next(eid for eid, e in zip(ENTERPRISE_IDS, ENTERPRISES, strict=True) if e.missing_days)
    story = pack.inspection_story
    supply, field = pack.supply_story, pack.field_story
    alerts = "; ".join(f"{rule} {commodity} at {market}" for rule, commodity, market in supply.alerts)
    return [
        f"- **Missing checkpoint report**: `{missing_cp}` {MISSING_REPORT[0]} has no row for "
        f"{MISSING_REPORT[1]}.",
        f"- **Production gaps**: `{gaps}` has no production row on "
        f"{', '.join(str(d) for d in MISSING_DAYS)}.",
        "- **Mixed units**: targets in 万吨 / 亿元 / 万元 while production is reported in t, "
        "万元, 元 or 亿元 (convert before comparing).",
        "- **Inspections**: places not visited in the last 7 days: "
        f"{', '.join(f'`{p}`' for p in story.unvisited)}; places that failed twice: "
        f"{', '.join(f'`{p}`' for p in story.failed_twice)}; failures still open on "
        f"{layout.REPORT_DATE_TEXT}: {', '.join(f'`{i}`' for i in story.open_failures)}.",
        f"- **Supply**: controlled community {', '.join(f'`{a}`' for a in supply.unserved)} has no "
        f"delivery in the 24 h before {layout.REPORT_DATE_TEXT} 08:00. `areas.geojson` gives each area's "
        "`households` (residents over 2.45-2.85 persons per household).",
        "- **Prices**: spikes after the first sealing (5 October): spinach and eggs above their "
        "September baseline, tomatoes rising day after day, pork jumping on the report date. Alerts "
        f"on {layout.REPORT_DATE_TEXT} under `parameters/price_alerts.yaml`: {alerts}.",
        f"- **Home quarantine**: sealed community `{field.magnet_short}` waits for door magnets "
        "(about 60 % of its checked households have one); elsewhere most checked households "
        "comply with every item.",
        _followup_fact(pack),
        "- **Medical waste**: no collection in the 24 h before the 08:00 cut-off at "
        f"{', '.join(f'`{s}`' for s in field.uncollected)}: the sites of the sealed communities "
        f"(closed), the silent site, and `{field.missed}`, which the collection van skipped on the "
        "evening of 8 October.",
    ]


def _sites_fact(count: int) -> str:
    if count == REPORTED_SITES:
        return f"- **{count}** testing sites: the {REPORTED_SITES} testing points of the report."
    return (f"- **{count:,}** testing sites (city scale; the district pack has the "
            f"{REPORTED_SITES} testing points of the report).")


def _facts(pack: SamplePack) -> list[str]:
    cps = pack.tables["checkpoints"]
    bridge = cps.loc[cps["name"] == BRIDGE, "checkpoint_id"].iloc[0]
    copper = projected_share(pack.production, "E01", "铜")
    acid = projected_share(pack.production, "E01", "硫酸")
    value = projected_share(pack.production, "E01", "产值")
    return [
        f"- {BRIDGE} (`{bridge}`), 08:00 7 October to 08:00 8 October (row dated {BRIDGE_DAY}): "
        "**694** people from risk areas checked, **19,606** landing tests; about 10,000 "
        "vehicles and nearly 20,000 people a day.",
        _sites_fact(len(pack.sites.ids)),
        "- Three supervision teams (第一/第二/第三督查组) inspect garbage stations, public "
        "toilets, parks, squares, pump stations and construction sites on staffing, the "
        "disinfection log and the registration log; most failures are fixed the same day "
        "(立行立改). From 4 October the environment bureau's 核酸检测组, 医疗机构监管组 and "
        "隔离酒店检查组 visit testing sites, medical institutions and quarantine hotels.",
        "- 包头华鼎铜业发展有限公司 (`E01`, 820 employees, closed loop): 2022 targets 12 万吨 "
        "copper, 550,000 t sulfuric acid, 80 亿元 output value. Projected at the report date: "
        f"copper {copper:.1%} of target (*at risk*), acid {acid:.1%}, output value "
        f"{value:.1%}.",
        "- 包头伊利乳业有限责任公司 (`E02`): closed-loop management since 7 October, output "
        "lower from that day; 包头亚鑫美磁科技有限公司 (`E03`): rare-earth magnets.",
        "- The \"eight in place\" checklist (八个到位) as the eight columns of "
        f"`{layout.ENTERPRISE_CHECKS}`.",
        f"- Supply enterprises {'、'.join(s[0] for s in SUPPLIERS[:3])} (named in the report) and "
        f"{len(SUPPLIERS) - 3} invented ones sell vegetable packages at "
        f"{min(p[1] for p in PACKAGES)}-{max(p[1] for p in PACKAGES)} yuan and deliver to sealed "
        "communities (point to point) and controlled ones (collected in order).",
        "- Home-quarantine checks count households with the door seal, the door magnet, the test and "
        "the disinfection record board (封条、门磁、核酸检测、消杀记录公示栏); medical waste is "
        "collected from the testing points every evening.",
    ]


def _copies_note(pack: SamplePack) -> str:
    if pack.copies == 1:
        return ""
    return (f"\n- Every resident of the {pack.scale.name} pack is here {pack.copies} times, each copy a "
            "distinct person (its own `person_key`) sampled where and when the original was; community "
            "and street population, households and site capacity are multiplied by the same factor, so "
            f"every coverage and load ratio is the base pack's and every count {pack.copies} times "
            "the base pack's. The other datasets are the base pack's, unchanged.")


def readme_text(pack: SamplePack) -> str:
    """The README.md of ``pack``."""
    scale, seed = pack.scale, pack.seed
    population = int(pack.areas.community_population.sum())
    copies = f" --replicate {pack.copies}" if pack.copies > 1 else ""
    return f"""# {scale.pack_name_en} · {scale.pack_name}

**Every record in this pack is synthetic.** It was generated by `workbench sample
--scale {scale.name} --seed {seed}{copies}` (`workbench.sample.generate_pack`); the same seed gives
byte-identical files. It tells the story of the news report on epidemic prevention in the
Baotou Rare Earth High-tech Zone (稀土高新区), 4-9 October 2022, so that every figure of
the report can be found in it, but no person, testing record or inspection in it is real.

- Streets, communities and their names are invented ({len(pack.areas.street_ids)} streets,
  {len(pack.areas.community_ids)} communities, {population:,} residents). The polygons lie
  inside the real {scale.region_label} but do not follow any real boundary.{_copies_note(pack)}
- `person_key` is `pk_` plus 16 hex digits of a keyed scramble of a person number: no
  name, ID-card or phone number exists anywhere in the pack.
- Enterprises named in the report keep their names and reported targets; all their other
  figures are invented. The other enterprise names are invented; any likeness to a real
  company is a coincidence.
- All coordinates are GCJ-02 (the `datum` of `catalog.yaml`); timestamps are local time
  (Asia/Shanghai) without a zone; the report date is {layout.REPORT_DATE_TEXT}.

## Files

{_files(pack)}

## Facts of the source report it reproduces

{chr(10).join(_facts(pack))}

## Imperfections put in on purpose

Real department feeds are never clean; the workbench must show these, not hide them.

{chr(10).join(_testing_imperfections(pack) + _other_imperfections(pack))}

## Boundary data

`{layout.ADMIN_BOUNDARIES}` holds the administrative boundaries of Baotou city and its
districts in GCJ-02. They come from [cnmaps](https://github.com/cnmaps/cnmaps) by Clarmy,
under the MIT License; the license is in `{layout.ADMIN_LICENSE}`.

## Regenerate

```
workbench sample --out DIR --seed {seed} --scale {scale.name}{copies}
```
"""
