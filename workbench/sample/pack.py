"""Assemble every dataset of the synthetic pack and write it to a folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.sample import (
    enterprises,
    field_checks,
    followup,
    layout,
    mass_testing,
    operations,
    outbreak,
    sampling,
    supply,
)
from workbench.sample.geography import Areas, build_areas
from workbench.sample.model import SamplePack
from workbench.sample.readme import readme_text
from workbench.sample.replicate import check_copies, replicate_pack, sampling_batches
from workbench.sample.settings import BOUNDARIES_DIR, Scale, random_stream
from workbench.sample.writers import (
    copy_file,
    write_csv,
    write_geojson,
    write_parquet,
    write_parquet_batches,
    write_text,
    write_xlsx,
)


def areas_properties(areas: Areas, households: np.ndarray) -> pd.DataFrame:
    """Properties of the street features, then the community features."""
    streets = pd.DataFrame({
        "area_id": areas.street_ids,
        "name": areas.street_names,
        "level": "street",
        "parent_id": None,
        "population": areas.street_population,
        "households": np.bincount(areas.community_street, weights=households,
                                  minlength=len(areas.street_ids)).astype(np.int64),
    })
    communities = pd.DataFrame({
        "area_id": areas.community_ids,
        "name": areas.community_names,
        "level": "community",
        "parent_id": [areas.street_ids[s] for s in areas.community_street],
        "population": areas.community_population,
        "households": households,
    })
    return pd.concat([streets, communities], ignore_index=True)


def build_pack(scale: Scale, seed: int, copies: int = 1) -> SamplePack:
    """Generate every dataset of ``scale`` from ``seed`` (nothing is written).

    ``copies`` > 1 copies every resident that many times (:mod:`workbench.sample.replicate`).
    """
    check_copies(copies)
    areas = build_areas(scale, random_stream(seed, "areas"))
    situation = outbreak.choose_outbreak(areas, scale, random_stream(seed, "outbreak"))
    sites = mass_testing.build_sites(areas, situation, scale, random_stream(seed, "sites"))
    rounds = mass_testing.make_rounds()
    records = sampling.build_sampling(areas, situation, sites, rounds, scale,
                                      random_stream(seed, "sampling"))
    secret = int(random_stream(seed, "person-key").integers(0, 2**63))
    checkpoints = operations.checkpoints_table(areas, random_stream(seed, "checkpoints"))
    places = operations.places_table(areas, sites, random_stream(seed, "places"))
    inspections, story = operations.inspections_table(places, random_stream(seed, "inspections"))
    households = supply.households(areas, random_stream(seed, "households"))
    suppliers = supply.suppliers_table(areas, random_stream(seed, "suppliers"))
    deliveries, unserved = supply.deliveries_table(areas, situation, households, suppliers,
                                                   random_stream(seed, "deliveries"))
    prices = supply.prices_table(random_stream(seed, "prices"))
    quarantine, magnet_short = field_checks.quarantine_checks_table(
        areas, situation, random_stream(seed, "quarantine-checks"))
    waste, missed = field_checks.medical_waste_table(records, sites, random_stream(seed, "medical-waste"))
    tables = {
        "zones": outbreak.zones_table(areas, situation),
        "testing_sites": sites.table(),
        "rounds": mass_testing.rounds_table(rounds),
        "checkpoints": checkpoints,
        "checkpoint_daily": operations.checkpoint_daily_table(
            checkpoints, random_stream(seed, "checkpoint-daily")),
        "places": places,
        "inspections": inspections,
        "enterprises": enterprises.enterprises_table(areas, random_stream(seed, "enterprises")),
        "targets": enterprises.targets_table(),
        "enterprise_checks": enterprises.enterprise_checks_table(
            random_stream(seed, "enterprise-checks")),
        "suppliers": suppliers,
        "packages": supply.packages_table(suppliers),
        "deliveries": deliveries,
        "prices": prices,
        "price_baselines": supply.baselines_table(prices),
        "quarantine_checks": quarantine,
        "medical_waste": waste,
        **_followup_tables(areas, sites, checkpoints, seed),
    }
    return replicate_pack(SamplePack(
        scale=scale,
        seed=seed,
        areas=areas,
        situation=situation,
        sites=sites,
        tables=tables,
        records=records,
        sampling_table=sampling.sampling_arrow(records, areas, sites, secret),
        production=enterprises.production_arrow(random_stream(seed, "production")),
        inspection_story=story,
        households=households,
        supply_story=supply.SupplyStory(unserved=unserved, alerts=list(supply.SPIKE_ALERTS)),
        field_story=field_checks.FieldStory(magnet_short=magnet_short,
                                            uncollected=field_checks.uncollected_sites(waste, sites),
                                            missed=missed),
        secret=secret,
    ), copies)


def _followup_tables(areas: Areas, sites: mass_testing.Sites, checkpoints: pd.DataFrame, seed: int) -> dict:
    """Enterprise requests, projects, their milestones and staffing, each from its own random stream."""
    projects = followup.projects_table(enterprises.ENTERPRISE_IDS)
    return {
        "enterprise_requests": followup.requests_table(enterprises.ENTERPRISE_IDS,
                                                       random_stream(seed, "enterprise-requests")),
        "projects": projects,
        "project_milestones": followup.milestones_table(projects, random_stream(seed, "project-milestones")),
        "staffing": followup.staffing_table(sites.table(), checkpoints, areas.community_ids,
                                            random_stream(seed, "staffing")),
    }


def _inspections_sheet(inspections: pd.DataFrame) -> pd.DataFrame:
    """The inspections with the Chinese headers of the supervision teams' workbook."""
    headers = {v: k for k, v in layout.INSPECTIONS_COLUMNS.items()} | layout.INSPECTIONS_EXTRA
    order = ["inspection_id", "date", "team", "place_id", "place_name", "staffing_ok",
             "disinfection_log_ok", "registration_log_ok", "finding", "rectified_on"]
    return inspections[order].rename(columns=headers)


def write_pack(pack: SamplePack, out: Path) -> Path:
    """Write every file of ``pack`` into ``out``; the catalog last. Returns its path."""
    out.mkdir(parents=True, exist_ok=True)
    t = pack.tables
    write_geojson(out / layout.AREAS, areas_properties(pack.areas, pack.households),
                  np.concatenate([pack.areas.street_geoms, pack.areas.community_geoms]),
                  name="areas", datum="gcj02")
    write_csv(out / layout.ZONES, t["zones"])
    sites_headers = {v: k for k, v in layout.TESTING_SITES_COLUMNS.items()}
    write_csv(out / layout.TESTING_SITES, t["testing_sites"].rename(columns=sites_headers),
              encoding=layout.TESTING_SITES_ENCODING)
    write_csv(out / layout.ROUNDS, t["rounds"])
    if pack.copies == 1:
        write_parquet(out / layout.SAMPLING, pack.sampling_table, delta_columns=("sampled_at",))
    else:
        write_parquet_batches(out / layout.SAMPLING, sampling_batches(pack), delta_columns=("sampled_at",))
    for name, file in (("checkpoints", layout.CHECKPOINTS),
                       ("checkpoint_daily", layout.CHECKPOINT_DAILY),
                       ("places", layout.PLACES), ("enterprises", layout.ENTERPRISES),
                       ("targets", layout.TARGETS),
                       ("enterprise_checks", layout.ENTERPRISE_CHECKS),
                       ("suppliers", layout.SUPPLIERS), ("packages", layout.PACKAGES),
                       ("deliveries", layout.DELIVERIES), ("price_baselines", layout.PRICE_BASELINES),
                       ("medical_waste", layout.MEDICAL_WASTE),
                       ("enterprise_requests", layout.ENTERPRISE_REQUESTS), ("projects", layout.PROJECTS),
                       ("project_milestones", layout.PROJECT_MILESTONES), ("staffing", layout.STAFFING)):
        write_csv(out / file, t[name])
    price_headers = {v: k for k, v in layout.PRICES_COLUMNS.items()}
    write_csv(out / layout.PRICES, t["prices"].rename(columns=price_headers), encoding=layout.PRICES_ENCODING)
    quarantine_headers = {v: k for k, v in layout.QUARANTINE_COLUMNS.items()}
    write_csv(out / layout.QUARANTINE_CHECKS, t["quarantine_checks"].rename(columns=quarantine_headers))
    write_xlsx(out / layout.INSPECTIONS, _inspections_sheet(t["inspections"]),
               sheet=layout.INSPECTIONS_SHEET)
    write_parquet(out / layout.PRODUCTION, pack.production)
    copy_file(BOUNDARIES_DIR / layout.ADMIN_BOUNDARIES, out / layout.ADMIN_BOUNDARIES)
    copy_file(BOUNDARIES_DIR / layout.ADMIN_LICENSE, out / layout.ADMIN_LICENSE)
    write_text(out / layout.README, readme_text(pack))
    catalog = out / layout.CATALOG
    write_text(catalog, layout.catalog_text(pack.scale.pack_name, pack.scale.pack_name_en))
    return catalog
