"""Price changes and every early-warning rule on hand-computed series, the rules file, the sample's spikes."""

import json

import pandas as pd
import pytest

from workbench.domains import prices
from workbench.errors import WorkbenchError
from workbench.intake.rulefiles import read_parameter_file

T = pd.Timestamp
D = T("2022-10-09")
RULES = [prices.AlertRule("above_baseline", "above_baseline", threshold=0.10),
         prices.AlertRule("consecutive_rises", "consecutive_rises", days=3),
         prices.AlertRule("daily_jump", "daily_jump", threshold=0.05)]


def frame(series: dict) -> pd.DataFrame:
    """{(market, commodity): {day of October: price}} as a prices frame (unit 元/斤)."""
    rows = [(T(f"2022-10-{d:02d}"), m, c, p, "元/斤")
            for (m, c), days in series.items() for d, p in days.items()]
    return pd.DataFrame(rows, columns=["date", "market", "commodity", "price", "unit"])


BASELINES = pd.DataFrame({"commodity": ["egg", "pork", "tomato", "rice"],
                          "baseline_price": [10.0, 20.0, 1.0, 5.0], "period": "2022-09", "unit": "元/斤"})


def alerts_of(series: dict, baselines=BASELINES, rules=RULES) -> set:
    result = prices.analyse_prices(frame(series), baselines, rules, D)
    return {(r.rule, r.market, r.commodity) for r in result.alerts.itertuples()}


def test_above_baseline_exactly_at_the_threshold_alerts():
    assert alerts_of({("M", "egg"): {8: 11.0, 9: 11.0}}) == {("above_baseline", "M", "egg")}
    assert alerts_of({("M", "egg"): {8: 10.99, 9: 10.99}}) == set()


def test_daily_jump_needs_the_day_before():
    assert alerts_of({("M", "pork"): {8: 20.0, 9: 21.0}}) == {("daily_jump", "M", "pork")}  # exactly 5 %
    assert alerts_of({("M", "pork"): {8: 20.0, 9: 20.9}}) == set()
    assert alerts_of({("M", "pork"): {7: 20.0, 9: 21.5}}) == set()  # 10-08 missing: no jump is read


def test_consecutive_rises_need_every_day_and_strict_rises():
    rising = {6: 1.00, 7: 1.01, 8: 1.02, 9: 1.03}
    assert alerts_of({("M", "tomato"): rising}) == {("consecutive_rises", "M", "tomato")}
    assert alerts_of({("M", "tomato"): rising | {8: 1.01}}) == set()  # a flat day breaks the streak
    assert alerts_of({("M", "tomato"): {k: v for k, v in rising.items() if k != 7}}) == set()  # a gap too
    assert alerts_of({("M", "tomato"): {7: 1.01, 8: 1.02, 9: 1.03}}) == set()  # only 2 rises


def test_values_and_evidence_of_each_rule():
    series = {("M", "egg"): {6: 10.0, 7: 10.2, 8: 10.5, 9: 11.5}}
    result = prices.analyse_prices(frame(series), BASELINES, RULES, D)
    alerts = result.alerts.set_index("rule")
    assert alerts.loc["above_baseline", "value"] == pytest.approx(0.15)
    assert alerts.loc["above_baseline", "baseline"] == 10.0
    assert alerts.loc["daily_jump", "value"] == pytest.approx(11.5 / 10.5 - 1)
    assert alerts.loc["daily_jump", "previous"] == 10.5
    assert alerts.loc["consecutive_rises", "value"] == 3
    figures = json.loads(json.dumps(prices.price_alert_figures(result)))
    assert [f["rule"] for f in figures] == ["above_baseline", "consecutive_rises", "daily_jump"]
    assert figures[0] == {"rule": "above_baseline", "commodity": "egg", "market": "M", "date": "2022-10-09",
                          "value": pytest.approx(0.15), "price": 11.5, "compared_with": 10.0}


def test_alerts_are_per_market_and_recent_alerts_show_since_when():
    series = {("A", "egg"): {7: 11.0, 8: 11.0, 9: 11.0}, ("B", "egg"): {8: 10.0, 9: 10.0}}
    result = prices.analyse_prices(frame(series), BASELINES, RULES, D, lookback_days=7)
    assert {(r.market, r.date) for r in result.alerts.itertuples()} == {("A", D)}
    assert sorted(result.recent_alerts["date"].dt.day) == [7, 8, 9]


def test_other_unit_or_no_baseline_is_not_compared_and_said():
    series = frame({("M", "egg"): {8: 20.0, 9: 20.0}, ("M", "milk"): {8: 5.0, 9: 5.0}})
    series.loc[series["commodity"] == "egg", "unit"] = "元/公斤"
    changes, notes = prices.price_changes(series, BASELINES)
    assert changes["baseline"].isna().all()
    assert notes == ["2 price(s) in another unit than their baseline are not compared with it",
                     "no baseline for 1 commodity: milk"]
    assert prices.analyse_prices(series, BASELINES, RULES, D).alerts.empty


def test_commodity_summary_means_over_markets():
    series = {("A", "rice"): {8: 5.0, 9: 6.0}, ("B", "rice"): {8: 5.0, 9: 5.0}, ("C", "rice"): {9: 7.0}}
    summary = prices.analyse_prices(frame(series), BASELINES, RULES, D).summary.set_index("commodity")
    assert summary.loc["rice", ["markets", "low", "high"]].tolist() == [3, 5.0, 7.0]
    assert summary.loc["rice", "price"] == pytest.approx(6.0)
    assert summary.loc["rice", "vs_baseline"] == pytest.approx(0.2)
    assert summary.loc["rice", "change"] == pytest.approx(5.5 / 5.0 - 1)  # markets priced on both days


def test_a_market_that_stopped_pricing_is_noted():
    result = prices.analyse_prices(frame({("A", "rice"): {8: 5.0}, ("B", "rice"): {8: 5.0, 9: 5.0}}),
                                   BASELINES, RULES, D)
    assert any("1 commodity-market series" in w for w in result.warnings)


# ---------------------------------------------------------------- the rules file


def read_alert_rules(path=None) -> list:
    """The rules file read as the notebooks read it: the caller reads, the domain checks."""
    return prices.parse_alert_rules(*read_parameter_file(path, prices.DEFAULT_RULES_FILE, "price rules"))


def test_the_default_rules_file():
    assert read_alert_rules() == RULES
    assert read_alert_rules("parameters/price_alerts.yaml") == RULES  # relative to the workbench


@pytest.mark.parametrize("document,message", [
    ({"rules": []}, "non-empty 'rules:'"),
    ({"rules": [{"kind": "moon_phase"}]}, "kind 'moon_phase'"),
    ({"rules": [{"kind": "daily_jump"}]}, "'threshold' must be"),
    ({"rules": [{"kind": "daily_jump", "threshold": -0.1}]}, "'threshold' must be"),
    ({"rules": [{"kind": "consecutive_rises", "days": 0}]}, "'days' must be"),
    ({"rules": [{"id": "x", "kind": "daily_jump", "threshold": 0.1},
                {"id": "x", "kind": "above_baseline", "threshold": 0.1}]}, "used twice"),
])
def test_bad_rules_are_refused_with_the_rule_named(document, message):
    with pytest.raises(WorkbenchError, match=message):
        prices.parse_alert_rules(document, "rules.yaml")


def test_unreadable_rules_file(tmp_path):
    with pytest.raises(WorkbenchError, match="cannot read"):
        read_alert_rules(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("rules: [", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="not valid YAML"):
        read_alert_rules(tmp_path / "bad.yaml")


# ---------------------------------------------------------------- the sample pack


def test_sample_spikes_raise_exactly_the_documented_alerts():
    from workbench.intake.catalog import open_pack
    from workbench.intake.loading import load_datasets
    from workbench.sample.supply import COMMODITIES, SPIKE_ALERTS

    pack = open_pack(None)
    data = load_datasets(pack, ["prices", "price_baselines"])
    assert data.prices["commodity"].nunique() == len(COMMODITIES) == 20
    assert (data.prices["date"].min(), data.prices["date"].max()) == (T("2022-09-01"), T("2022-10-09"))
    result = prices.analyse_prices(data.prices, data.price_baselines, read_alert_rules(), D,
                                   lookback_days=40)
    today = {(r.rule, r.commodity, r.market) for r in result.alerts.itertuples()}
    assert today == set(SPIKE_ALERTS)
    assert result.recent_alerts["date"].min() == T("2022-10-06")  # quiet before the sealing
