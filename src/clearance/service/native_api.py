"""clearance's own API: the full hit model, list versions, entity history, the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from clearance.cases import Party as CaseParty
from clearance.cases import hooks
from clearance.listing import dataset_summaries
from clearance.screening import MAX_LIMIT, Hit, QueryError
from clearance.service.deps import (
    ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    Admin,
    Caller,
    ServicesDep,
    Snapshot,
)
from clearance.service.yente_api import _bad, audit_body, list_versions

router = APIRouter(prefix="/v1", tags=["native"], responses=ERRORS)


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500, examples=["Hikvision"])
    schema_: str | None = Field(
        None, alias="schema", description="Person, Organization, Company, LegalEntity, …"
    )
    countries: list[str] = Field(default_factory=list, examples=[["CN"]])
    birth_date: str | None = Field(
        None, pattern=r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$", examples=["1955", "1955-05-03"]
    )
    identifiers: list[str] = Field(default_factory=list)
    reference: str | None = Field(None, description="Your own id, echoed back")


class ScreenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parties: list[Party] = Field(min_length=1)
    datasets: list[str] | None = None
    threshold: float | None = Field(None, ge=0.0, le=1.0)
    limit: int = Field(10, ge=1, le=MAX_LIMIT)


@router.post("/screen", summary="Screen one or many parties: scored, explained hits")
def screen(
    body: ScreenRequest, caller: Caller, services: ServicesDep, served: Snapshot
) -> dict[str, Any]:
    if len(body.parties) > services.config.max_queries:
        raise _bad(
            ["body", "parties"],
            f"{len(body.parties)} parties, at most {services.config.max_queries} per request",
        )
    unknown = sorted(set(body.datasets or ()) - set(served.releases))
    if unknown:
        raise _bad(["body", "datasets"], f"not loaded: {', '.join(unknown)}")
    threshold = served.screener.default_threshold if body.threshold is None else body.threshold
    screened: list[tuple[CaseParty, list[Hit]]] = []
    for position, party in enumerate(body.parties):
        try:
            hits = served.screener.screen(
                party.name,
                schema=party.schema_,
                countries=party.countries,
                birth_date=party.birth_date,
                identifiers=party.identifiers,
                datasets=body.datasets,
                threshold=threshold,
                limit=body.limit,
            )
        except QueryError as error:
            field, _, message = str(error).partition(": ")
            raise _bad(["body", "parties", position, field], message) from None
        screened.append((_case_party(party), hits))
    # cases: cleared false positives answered match false, with the decision (cases/hooks.py)
    checked = hooks.check(services.store, served.snapshot_id, screened)
    results: list[dict[str, Any]] = [
        {
            "query": party.model_dump(by_alias=True),
            "hits": [{**h.to_dict(), "decision": c.decision(h.entity_id)} for h in c.hits],
        }
        for party, c in zip(body.parties, checked, strict=True)
    ]
    seq = services.audit.append(
        caller.name,
        "POST /v1/screen",
        audit_body(
            served,
            {"threshold": threshold, "datasets": body.datasets, "limit": body.limit},
            [
                {
                    "query": r["query"],
                    "results": [
                        {
                            "id": h["id"],
                            "score": h["score"],
                            "match": h["match"],
                            # cases: a cleared false positive names the alert that cleared it
                            **(
                                {"cleared_by_alert": h["decision"]["alert"]}
                                if h["decision"]
                                else {}
                            ),
                        }
                        for h in r["hits"]
                    ],
                }
                for r in results
            ],
        ),
    )
    # cases: the match hits left raise alerts, filed under this audit record
    hooks.raise_for(
        services.store,
        [(c.party, c.hits) for c in checked],
        source="api",
        source_ref=str(seq),
        snapshot_id=served.snapshot_id,
    )
    return {
        "snapshot": served.snapshot_id,
        "lists": list_versions(served),
        "threshold": threshold,
        "results": results,
    }


def _case_party(party: Party) -> CaseParty:
    """The party as cases files decisions under (no `reference`: it may name a request)."""
    return CaseParty(
        name=party.name,
        schema=party.schema_,
        countries=tuple(party.countries),
        birth_date=party.birth_date,
        identifiers=tuple(party.identifiers),
    )


@router.get("/lists", summary="Every dataset: as-of date, entity count, active release")
def lists(caller: Caller, services: ServicesDep, served: Snapshot) -> dict[str, Any]:
    return {"snapshot": served.snapshot_id, "datasets": dataset_summaries(services.store)}


@router.get(
    "/entities/{entity_id}/history",
    responses=NOT_FOUND,
    summary="Every release that listed an entity",
)
def history(entity_id: str, caller: Caller, services: ServicesDep) -> dict[str, Any]:
    rows = services.store.entity_history(entity_id)
    if not rows:
        raise HTTPException(404, f"no release lists an entity {entity_id!r}")
    versions = []
    previous = None
    for release, digest in rows:
        versions.append(
            {
                "release": release.id,
                "dataset": release.dataset,
                "fetched_at": release.fetched_at,
                "published_at": release.published_at,
                "hash": digest,
                "changed": previous is not None and digest != previous,
            }
        )
        previous = digest
    return {"id": entity_id, "history": versions}


@router.get("/audit", responses=FORBIDDEN, summary="Audit records (admin keys only)")
def audit(
    caller: Admin,
    services: ServicesDep,
    since: Annotated[str | None, Query(description="ISO time: records at or after")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, Any]:
    records = []
    for record in services.audit.records(since):
        records.append(record.to_dict())
        if len(records) >= limit:
            break
    return {"records": records}
