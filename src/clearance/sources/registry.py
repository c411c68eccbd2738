"""The datasets clearance knows: who publishes them, where, and in which files.

Dataset names follow OpenSanctions where it has one, so results line up with the
wider ecosystem. Each dataset lists its published file sets in order of
preference; `update` takes the first one it can get.
"""

from __future__ import annotations

from dataclasses import dataclass

OFAC_EXPORTS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"


@dataclass(frozen=True)
class PublishedFile:
    name: str  # the publisher's own file name; a local mirror uses the same name
    url: str
    required: bool = True


@dataclass(frozen=True)
class FileSet:
    format: str
    files: tuple[PublishedFile, ...]

    @property
    def primary(self) -> PublishedFile:
        return self.files[0]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    publisher: str
    url: str  # the publisher's page about the list
    category: str  # "sanctions" or "export_controls": the collections of the API
    file_sets: tuple[FileSet, ...]


def _ofac(names: tuple[str, ...], optional_from: int = 1) -> tuple[PublishedFile, ...]:
    return tuple(
        PublishedFile(n, OFAC_EXPORTS + n, required=i < optional_from) for i, n in enumerate(names)
    )


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "us_ofac_sdn",
            "OFAC Specially Designated Nationals (SDN) List",
            "US Treasury, Office of Foreign Assets Control",
            "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
            "sanctions",
            (
                FileSet(
                    "ofac-csv", _ofac(("SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV"), 4)
                ),
                FileSet("ofac-enhanced", _ofac(("SDN_ENHANCED.ZIP",))),
                FileSet("ofac-xml", _ofac(("SDN.XML",))),
            ),
        ),
        Dataset(
            "us_ofac_cons",
            "OFAC Consolidated (non-SDN) Sanctions List",
            "US Treasury, Office of Foreign Assets Control",
            "https://ofac.treasury.gov/other-ofac-sanctions-lists",
            "sanctions",
            (
                FileSet(
                    "ofac-csv",
                    _ofac(
                        ("CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV"), 4
                    ),
                ),
                FileSet("ofac-enhanced", _ofac(("CONS_ENHANCED.ZIP",))),
                FileSet("ofac-xml", _ofac(("CONSOLIDATED.XML",))),
            ),
        ),
        Dataset(
            "us_trade_csl",
            "US Consolidated Screening List (trade.gov)",
            "US Department of Commerce, International Trade Administration",
            "https://www.trade.gov/consolidated-screening-list",
            "export_controls",
            (
                FileSet(
                    "trade-csl",
                    (
                        PublishedFile(
                            "consolidated.csv",
                            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
                        ),
                    ),
                ),
            ),
        ),
        Dataset(
            "un_sc_sanctions",
            "UN Security Council Consolidated Sanctions List",
            "United Nations Security Council",
            "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list",
            "sanctions",
            (
                FileSet(
                    "un-xml",
                    (
                        PublishedFile(
                            "consolidated.xml",
                            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
                        ),
                    ),
                ),
            ),
        ),
        Dataset(
            "us_bis_denied",
            "BIS Denied Persons List",
            "US Department of Commerce, Bureau of Industry and Security",
            "https://www.bis.gov/licensing/guidance-on-end-user-and-end-use-controls-and-us-person-controls/denied-persons-list",
            "export_controls",
            (
                FileSet(
                    "bis-dpl", (PublishedFile("dpl.txt", "https://www.bis.doc.gov/dpl/dpl.txt"),)
                ),
            ),
        ),
        Dataset(
            "gb_hmt_sanctions",
            "UK HM Treasury Consolidated List of Financial Sanctions Targets",
            "UK HM Treasury, Office of Financial Sanctions Implementation",
            "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets",
            "sanctions",
            (
                FileSet(
                    "hmt-csv",
                    (
                        PublishedFile(
                            "ConList.csv",
                            "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
                        ),
                    ),
                ),
            ),
        ),
        Dataset(
            "eu_fsf",
            "EU Financial Sanctions Files (FSF)",
            "European Commission, DG FISMA",
            "https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions",
            "sanctions",
            (
                FileSet(
                    "eu-fsf",
                    (
                        PublishedFile(
                            "xmlFullSanctionsList_1_1.xml",
                            "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
                        ),
                    ),
                ),
                # OpenSanctions' FtM export of the same list (its own licence applies).
                FileSet(
                    "ftm",
                    (
                        PublishedFile(
                            "entities.ftm.json",
                            "https://data.opensanctions.org/datasets/latest/eu_fsf/entities.ftm.json",
                        ),
                    ),
                ),
            ),
        ),
        Dataset(
            "us_fcc_covered",
            "FCC Covered List",
            "US Federal Communications Commission",
            "https://www.fcc.gov/supplychain/coveredlist",
            "export_controls",
            (
                FileSet(
                    "fcc-html",
                    (PublishedFile("table.html", "https://www.fcc.gov/supplychain/coveredlist"),),
                ),
                FileSet("fcc-csv", (PublishedFile("table.csv", "", required=True),)),
            ),
        ),
        Dataset(
            "us_dhs_uflpa",
            "UFLPA Entity List",
            "US Department of Homeland Security, Forced Labor Enforcement Task Force",
            "https://www.dhs.gov/uflpa-entity-list",
            "export_controls",
            (
                FileSet(
                    "uflpa-html",
                    (
                        PublishedFile(
                            "uflpa-entity-list.html", "https://www.dhs.gov/uflpa-entity-list"
                        ),
                    ),
                ),
            ),
        ),
    )
}


def get_dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise ValueError(f"unknown dataset {name!r}; configured datasets: {known}") from None
