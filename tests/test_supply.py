"""Supply of sealed and controlled areas on a tiny hand-computed fixture, and the report on the sample."""

import json

import pandas as pd
import pytest
from fixtures.reports import sample_report_figures

from workbench.domains import prices, supply
from workbench.errors import WorkbenchError
from workbench.intake.rulefiles import read_parameter_file

T = pd.Timestamp
D = T("2022-10-09")


@pytest.fixture
def areas():
    return pd.DataFrame({
        "area_id": ["S1", "C1", "C2", "C3", "C4"], "name": ["street", "one", "two", "three", "four"],
        "level": ["street", "community", "community", "community", "community"],
        "parent_id": [None, "S1", "S1", "S1", "S1"], "population": [100, 26, 52, 13, 9],
        "households": pd.array([None, 10, 20, None, 4], dtype="Int64"),  # C3: estimated 13 / 2.6 = 5
    })


@pytest.fixture
def zones():
    rows = [("2022-10-09", "C1", "sealed"), ("2022-10-09", "C2", "controlled"),
            ("2022-10-09", "C3", "controlled"), ("2022-10-09", "C4", "prevention"),
            ("2022-10-08", "C4", "sealed")]  # the zone of the report date counts
    frame = pd.DataFrame(rows, columns=["date", "area_id", "zone"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


@pytest.fixture
def deliveries():
    rows = [
        ("2022-10-09", "G1", "C1", 5, 6, 4),  # last 24 h: 08:00 10-08 to 08:00 10-09
        ("2022-10-09", "G2", "C1", 2, 2, 2),
        ("2022-10-08", "G1", "C1", 3, 3, 3),
        ("2022-10-07", "G1", "C1", 6, 6, 5),  # oldest day of the last 3
        ("2022-10-06", "G1", "C1", 9, 9, 9),  # 4 days back: outside
        ("2022-10-10", "G1", "C1", 9, 9, 9),  # after the report date: not counted
        ("2022-10-09", "G2", "C2", 3, 4, 3),
        ("2022-10-09", "G1", "C3", 0, 0, 0),  # a row without any delivery: C3 is unserved
        ("2022-10-08", "G1", "C3", 2, 2, 2),
        ("2022-10-09", "G1", "C4", 4, 4, 4),  # prevention on the report date: not watched
    ]
    frame = pd.DataFrame(rows, columns=["date", "supplier_id", "area_id", "orders", "packages_delivered",
                                        "households_served"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


@pytest.fixture
def suppliers():
    return pd.DataFrame({"supplier_id": ["G1", "G2", "G3"], "name": ["华月工贸", "华联超市", "idle"],
                         "kind": ["trading_company", "supermarket", "other"],
                         "lon": [109.8, 109.7, 109.9], "lat": [40.6, 40.6, 40.6]})


@pytest.fixture
def packages():
    return pd.DataFrame({"supplier_id": ["G1", "G1", "G2"], "package": ["B", "A", "A"],
                         "price": [200.0, 30.0, 50.0], "contents": ["x", "y", None]})


@pytest.fixture
def result(deliveries, suppliers, packages, areas, zones):
    return supply.analyse_supply(deliveries, suppliers, packages, areas, zones, D, persons_per_household=2.6)


def test_households_given_or_estimated(areas):
    counts, notes = supply.household_counts(areas, 2.6)
    assert counts.to_dict() == {"C1": 10, "C2": 20, "C3": 5, "C4": 4}
    assert notes == ["households of 1 community estimated as population ÷ 2.6"]
    no_column, notes = supply.household_counts(areas.drop(columns="households"), 2.6)
    assert no_column.to_dict() == {"C1": 10, "C2": 20, "C3": 5, "C4": 3} and "4 communities" in notes[0]
    with pytest.raises(WorkbenchError, match="persons_per_household"):
        supply.household_counts(areas, 0)


def test_served_shares_over_24h_and_3_days(result):
    served = result.served.set_index("area_id")
    assert served.index.tolist() == ["C1", "C2", "C3"]  # sealed first; C4 is not watched
    assert served.loc["C1", ["served_24h", "served_3d"]].tolist() == [6, 6 + 3 + 5]
    assert served.loc["C1", "share_24h"] == pytest.approx(0.6)
    assert served.loc["C1", "share_3d"] == pytest.approx(1.4)  # a household served twice counts twice
    assert served.loc["C1", ["orders_24h", "packages_24h", "suppliers_24h"]].tolist() == [7, 8, 2]
    assert served.loc["C2", "share_24h"] == pytest.approx(3 / 20)
    assert served.loc["C3", ["served_24h", "served_3d", "households"]].tolist() == [0, 2, 5]
    assert served["unserved"].tolist() == [False, False, True]
    assert served.loc["C3", "last_delivery"] == T("2022-10-08")
    assert served.loc["C1", "last_delivery"] == D  # the row after the report date is ignored
    assert any("after the report date" in w for w in result.warnings)


def test_zone_shares_sum_numerators_and_denominators(result):
    zones = result.zones.set_index("zone")
    columns = ["households", "served_24h", "served_3d", "unserved"]
    assert zones.loc["sealed", columns].tolist() == [10, 6, 14, 0]
    assert zones.loc["controlled", columns].tolist() == [25, 3, 5, 1]
    assert zones.loc["controlled", "share_24h"] == pytest.approx(3 / 25)


def test_suppliers_and_packages(result):
    sup = result.suppliers.set_index("supplier_id")
    columns = ["areas_24h", "orders_24h", "served_24h", "packages_offered"]
    assert sup.loc["G1", columns].tolist() == [2, 9, 8, 2]  # the row without a delivery is not counted
    assert sup.loc["G1", ["price_low", "price_high"]].tolist() == [30.0, 200.0]
    assert sup.loc["G3", ["areas_24h", "served_24h", "packages_offered"]].tolist() == [0, 0, 0]
    assert pd.isna(sup.loc["G3", "price_low"])
    assert result.packages[["supplier", "package", "price"]].values.tolist() == [
        ["华月工贸", "A", 30.0], ["华月工贸", "B", 200.0], ["华联超市", "A", 50.0]]


def test_a_supplier_stopped_when_it_delivered_in_the_3_days_before_but_not_today(
        deliveries, suppliers, packages):
    extra = pd.DataFrame({"date": pd.to_datetime(["2022-10-06", "2022-10-05", "2022-10-09"]),
                          "supplier_id": ["G3", "G4", "G4"], "area_id": ["C1", "C1", "C1"],
                          "orders": [1, 1, 0], "packages_delivered": [1, 1, 0],
                          "households_served": [1, 1, 0]})
    more = pd.concat([suppliers, pd.DataFrame({"supplier_id": ["G4"], "name": ["old"], "kind": ["other"],
                                               "lon": [109.9], "lat": [40.6]})], ignore_index=True)
    sup = supply.supplier_summary(pd.concat([deliveries, extra]), more, packages, D).set_index("supplier_id")
    assert sup["stopped"].to_dict() == {"G1": False, "G2": False, "G3": True, "G4": False}
    assert sup.loc["G3", "last_delivery"] == T("2022-10-06")  # D−3: the oldest day that says stopped
    assert sup.loc["G4", "last_delivery"] == T("2022-10-05")  # D−4 (its row of D delivers nothing)
    assert sup.loc["G1", "last_delivery"] == D  # its row after the report date is ignored


def test_figures_follow_the_issue(result):
    figures = json.loads(json.dumps(supply.supply_figures(result)))
    assert figures["unserved_areas"] == ["C3"]
    assert figures["served_share"] == {"sealed": pytest.approx(0.6), "controlled": pytest.approx(0.12)}
    assert figures["package_price"] == {"low": 30.0, "high": 200.0}
    assert "alerts" not in figures


def test_no_zone_on_the_report_date_watches_nothing(deliveries, suppliers, packages, areas, zones):
    result = supply.analyse_supply(deliveries, suppliers, packages, areas, zones[zones["date"] < D], D)
    assert result.served.empty and result.zones.empty
    assert supply.supply_figures(result)["unserved_areas"] == []
    assert any("no zone data" in w for w in result.warnings)


# ---------------------------------------------------------------- the sample pack


@pytest.fixture(scope="module")
def sample():
    from workbench.intake.catalog import open_pack
    from workbench.intake.loading import load_datasets

    pack = open_pack(None)
    names = ["areas", "zones", "suppliers", "packages", "deliveries", "prices", "price_baselines"]
    return pack, load_datasets(pack, names)


def _sample_results(pack, data):
    day = pack.resolve_date(None)
    result = supply.analyse_supply(data.deliveries, data.suppliers, data.packages, data.areas, data.zones,
                                   day)
    document, source = read_parameter_file(None, prices.DEFAULT_RULES_FILE, "price-alert rules")
    price_result = prices.analyse_prices(data.prices, data.price_baselines,
                                         prices.parse_alert_rules(document, source), day)
    return result, price_result


def test_sample_tells_the_supply_story(sample):
    pack, data = sample
    result, _ = _sample_results(pack, data)
    assert {"华月工贸", "华联超市", "众鑫农贸"} <= set(data.suppliers["name"])
    assert (result.packages["price"].min(), result.packages["price"].max()) == (30.0, 200.0)
    assert result.unserved["area_id"].tolist() == ["S05C009"]
    assert set(result.served["area_id"]) == {"S01C004", "S05C008", "S01C003", "S01C005", "S01C010", "S01C011",
                                             "S05C005", "S05C006", "S05C009", "S05C011", "S05C012"}
    named = result.suppliers.set_index("name").loc[["华月工贸", "华联超市", "众鑫农贸"], "served_24h"]
    assert (named > 0).all()


@pytest.mark.slow
def test_wiring_notebook_figures_equal_a_direct_computation(sample, tmp_path):
    """A wiring check (the expectation comes from the functions under test); the figures themselves are
    pinned by the hand-computed fixtures of this file."""
    pack, data = sample
    figures, _ = sample_report_figures("supply_prices", tmp_path)
    result, price_result = _sample_results(pack, data)
    expected = {**supply.supply_figures(result), "prices_known": True,
                "alerts": prices.price_alert_figures(price_result),
                "price_trend": prices.price_trend_figures(price_result)}
    assert figures == json.loads(json.dumps(expected))
    assert figures["unserved_areas"] == ["S05C009"]
    assert len(figures["alerts"]) == 8


def test_map_escapes_names(result, areas):
    import geopandas as gpd
    import shapely

    from workbench.present.maps.base import MapOptions
    from workbench.present.maps.supply import supply_map

    hostile = result.suppliers.assign(name="<img src=x onerror=alert(1)>")
    shown = supply.SupplyResult(result.report_date, result.served, result.zones, hostile, result.packages)
    boxes = [shapely.box(109.8 + i / 100, 40.6, 109.81 + i / 100, 40.61) for i in range(len(areas))]
    polygons = gpd.GeoDataFrame(areas.assign(name="<b>x</b>"), geometry=boxes, crs="EPSG:4326")
    page = supply_map(shown, polygons, MapOptions(lang="en")).get_root().render()
    assert "\\u0026lt;img src=x" in page and "\\u0026lt;b\\u0026gt;x" in page  # escaped, then JSON-encoded
    assert "<img src=x" not in page and "\\u003cimg" not in page and "\\u003cb\\u003ex" not in page


def test_a_date_before_any_delivery_or_watched_zone_gives_an_empty_result(sample_data):
    d = sample_data
    result = supply.analyse_supply(d.deliveries, d.suppliers, d.packages, d.areas, d.zones, "2022-10-01")
    assert result.served.empty and supply.supply_figures(result)["unserved_areas"] == []


def test_the_suppliers_table_flags_a_stopped_supplier_first(result):
    from workbench.present.views import supply as view

    quiet = view.suppliers_table(result, "en").data
    assert "Stopped delivering" not in quiet and "Last day with a delivery" in quiet
    assert "NaT" not in quiet and ">2022-10-09</data>" in quiet  # G3 never delivered: a dash
    stopped = result.suppliers.assign(stopped=result.suppliers["supplier_id"] == "G2")
    html = view.suppliers_table(type(result)(**{**vars(result), "suppliers": stopped}), "en").data
    assert "Stopped delivering" in html and html.index("华联超市") < html.index("华月工贸")
