"""What counts as a changed hit between two runs of a portfolio."""

from __future__ import annotations

from dataclasses import replace

from clearance.monitor.run import SCORE_CHANGE, RunHit, _compare


def _hit(**changes: object) -> RunHit:
    hit = RunHit(
        row_key="c-1",
        row_id="c-1",
        query="Hikvision",
        entity_id="us_trade_csl:1",
        dataset="us_trade_csl",
        schema="Company",
        caption="HIKVISION",
        lists=("Entity List",),
        matched_name="Hikvision",
        score=0.91,
        match=True,
        explanation="",
        rank=0,
    )
    return replace(hit, **changes)  # type: ignore[arg-type]


def test_score_drift_from_other_names_is_not_a_change() -> None:
    previous = {"c-1": [_hit()]}
    marked, gone = _compare([_hit(score=0.91 + SCORE_CHANGE / 2)], previous)
    assert [h.status for h in marked] == ["same"] and gone == []


def test_a_visible_score_move_another_name_or_a_flipped_match_is_a_change() -> None:
    for changed in (
        _hit(score=0.91 - SCORE_CHANGE),
        _hit(matched_name="HIKVISION DIGITAL"),
        _hit(score=0.80, match=False),
    ):
        marked, _gone = _compare([changed], {"c-1": [_hit()]})
        assert marked[0].status == "changed"


def test_new_and_gone_hits() -> None:
    marked, gone = _compare([_hit(entity_id="un:2")], {"c-1": [_hit()]})
    assert marked[0].status == "new"
    assert [(h.entity_id, h.status) for h in gone] == [("us_trade_csl:1", "gone")]
