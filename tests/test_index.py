"""Storage and retrieval: incremental ingest, replacement without leftovers, filters, references, ranking."""

from __future__ import annotations

import shutil

import pytest

from app.index import NoIndex
from app.models import Filters
from fakes import CountingEmbeddings, FakeEmbeddings
from helpers import BUILTIN_DOCUMENTS, SEEDS, make_engine


def clean(check: dict) -> bool:
    return (check["orphan_vectors"], check["missing_vectors"], check["duplicate_paragraphs"]) == (0, 0, 0) and check[
        "vectors"
    ] == check["paragraphs"]


@pytest.fixture
def two_seeds(tmp_path):
    """Copies of seeds 000 and 001 in a folder of their own, free to edit."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for key in ("000", "001"):
        shutil.copy(SEEDS[key], folder / SEEDS[key].name)
    return folder


# ----------------------------------------------------------------------------- incremental ingest


def test_second_ingest_embeds_nothing(two_seeds, fresh_index):
    counting_encoder = CountingEmbeddings(FakeEmbeddings())  # it counts calls: what the vectors mean does not matter
    eng = fresh_index(embeddings=counting_encoder)
    first = eng.ingest([two_seeds])
    assert (first.documents, first.paragraphs, first.unchanged, first.failed) == (2, 26 + 27, 0, [])
    assert counting_encoder.texts == 26 + 27 + 2  # every paragraph, and each decision's summary row
    assert clean(eng.index().check())

    counting_encoder.reset()
    second = eng.ingest([two_seeds])
    assert (second.documents, second.paragraphs, second.unchanged, second.failed) == (0, 0, 2, [])
    assert counting_encoder.document_calls == 0 and counting_encoder.texts == 0
    assert (second.total_documents, second.total_paragraphs) == (2, 53)
    assert "0 documents, 0 paragraphs indexed; 2 unchanged; 0 failed" in second.summary_line()

    # a fresh process (new Index object over the same folder) also skips them
    counting_encoder.reset()
    again = make_engine(eng.settings.index, counting_encoder)
    try:
        third = again.ingest([two_seeds])
    finally:
        again.close()
    assert (third.documents, third.unchanged) == (0, 2) and counting_encoder.texts == 0


def test_changed_file_replaces_its_paragraphs(two_seeds, counting_encoder, fresh_index):
    eng = fresh_index(embeddings=counting_encoder)
    eng.ingest([two_seeds])
    f = two_seeds / SEEDS["000"].name
    text = f.read_text(encoding="utf-8")
    gone = (
        "  3. The Council should provide us with evidence it has complied with the actions in the previous paragraph.\n"
    )
    assert gone in text and "  2. I completed the investigation." in text
    f.write_text(
        text.replace(gone, "").replace(
            "  2. I completed the investigation.", "  2. I completed the investigation and closed the file."
        ),
        encoding="utf-8",
    )

    counting_encoder.reset()
    report = eng.ingest([two_seeds])
    assert (report.documents, report.paragraphs, report.unchanged, report.failed) == (1, 25, 1, [])
    assert counting_encoder.texts == 25 + 1  # only the changed document is embedded again

    doc = eng.document("24 004 187")
    assert [p.para for p in doc.paragraphs] == [str(i) for i in range(1, 26)]
    assert doc.paragraph("25").text == "I completed the investigation and closed the file."
    idx = eng.index()
    check = idx.check()
    assert clean(check) and check["documents"] == 2
    rows = idx.db.execute("SELECT COUNT(*) FROM paragraphs WHERE doc_id='24 004 187'").fetchone()[0]
    assert rows == 25 + 1
    # nothing of the old version is left: not in SQLite, not in the BM25 table, not among the vectors
    assert (
        idx.db.execute("SELECT COUNT(*) FROM paragraphs WHERE text LIKE '%evidence it has complied%'").fetchone()[0]
        == 0
    )
    assert idx.bm25('"complied"', 10, None) == []
    assert idx.bm25('"closed" AND "file"', 10, None)
    stale = [
        v for v in idx.collection.get(include=[])["ids"] if v.startswith("24 004 187::") and doc.sha256[:12] not in v
    ]
    assert stale == []
    hits = eng.search("evidence it has complied with the actions in the previous paragraph", k=5).hits
    assert all("complied" not in h.text for h in hits)


def test_changed_file_with_a_new_reference_leaves_no_old_document(two_seeds, fresh_index):
    eng = fresh_index()
    eng.ingest([two_seeds])
    f = two_seeds / SEEDS["000"].name
    f.write_text(f.read_text(encoding="utf-8").replace("(24 004 187)", "(24 004 188)", 1), encoding="utf-8")
    report = eng.ingest([two_seeds])
    assert report.documents == 1 and not report.failed
    ids = sorted(d.doc_id for d in eng.documents())
    assert ids == ["23 009 620", "24 004 188"]
    assert eng.document("24 004 187") is None
    assert clean(eng.index().check())


def test_duplicate_content_under_another_name_is_reported_not_indexed(two_seeds, fresh_index):
    shutil.copy(SEEDS["000"], two_seeds / "copy-of-000.txt")
    eng = fresh_index()
    report = eng.ingest([two_seeds])
    assert report.documents == 2
    assert len(report.failed) == 1 and "same content" in report.failed[0][1]


def test_no_index_yet_says_how_to_build_one(tmp_path):
    eng = make_engine(tmp_path / "never-built", FakeEmbeddings())
    assert not eng.has_index()
    with pytest.raises(NoIndex, match=r"precedent ingest"):
        eng.search("occupational therapy")
    assert not (tmp_path / "never-built").exists()  # searching creates nothing


# ----------------------------------------------------------------------------- references


@pytest.mark.parametrize("ident", ["24 012 399", "25 022 150", "24012399", "25-022-150"])
def test_any_reference_a_document_carries_resolves(full_engine, ident):
    doc = full_engine.document(ident)
    assert doc is not None and doc.doc_id == "24 012 399"
    assert len(doc.paragraphs) == 74


def test_council_paper_found_by_slug_not_by_the_report_reference(full_engine):
    docs = {d.doc_id: d for d in full_engine.documents()}
    paper = next(d for d in docs.values() if d.kind == "council response")
    assert paper.doc_id.startswith("cambridgeshire-county-council")
    assert full_engine.document(paper.doc_id).paragraph("2.3") is not None


def test_full_index_counts(full_engine, shared_corpus):
    docs = full_engine.documents()
    n_files = BUILTIN_DOCUMENTS + len(list((shared_corpus / "lgsco").glob("*.txt")))
    assert len(docs) == n_files
    check = full_engine.index().check()
    assert clean(check)


# ----------------------------------------------------------------------------- filters


QUERY = "the council did not provide the therapy in the plan and delayed the assessment"


def _hits(engine, filters, mode):
    res = engine.search(QUERY, k=40, filters=filters, mode=mode)
    assert res.hits, f"no hits for {filters} in {mode} mode"
    return res.hits


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_filter_category(full_engine, mode):
    sen = "Education > Special educational needs"
    assert {h.category for h in _hits(full_engine, Filters(category=sen), mode)} == {sen}
    care = _hits(full_engine, Filters(category="Children's care services"), mode)
    assert all(h.category.startswith("Children's care services > ") for h in care)
    assert len({h.category for h in _hits(full_engine, None, mode)}) > 1  # unfiltered, there is something to filter out


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_filter_outcome(full_engine, mode):
    for outcome in ("Not upheld", "Closed after initial enquiries", "Upheld"):
        assert {h.outcome for h in _hits(full_engine, Filters(outcome=outcome), mode)} == {outcome}


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_filter_organisation(full_engine, mode):
    hits = _hits(full_engine, Filters(organisation="Liverpool"), mode)
    assert all("Liverpool" in h.organisation for h in hits)
    assert {h.doc_id for h in hits} >= {"24 004 187", "24 010 960"} or mode != "hybrid"


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize(
    "date_from, date_to", [("2024-01-01", "2024-12-31"), (None, "2019-12-31"), ("2025-01-01", None)]
)
def test_filter_date_range(full_engine, mode, date_from, date_to):
    hits = _hits(full_engine, Filters(date_from=date_from, date_to=date_to), mode)
    for h in hits:
        assert h.decision_date is not None, f"undated {h.doc_id} passed a date filter"
        assert (date_from or "0000") <= h.decision_date <= (date_to or "9999"), (h.doc_id, h.decision_date)


def test_filters_combine(full_engine):
    f = Filters(
        category="Education", outcome="Upheld", organisation="Council", date_from="2023-01-01", date_to="2024-12-31"
    )
    for h in _hits(full_engine, f, "hybrid"):
        assert h.category.startswith("Education > ") and h.outcome == "Upheld"
        assert "2023-01-01" <= h.decision_date <= "2024-12-31"


# ----------------------------------------------------------------------------- ranking


OT_QUERIES = [
    "My son has not had the occupational therapy his EHC plan says he should get",
    "my daughter's school never gave her the OT sessions in her education health and care plan",
    "the council hasn't arranged the occupational therapy written in section F of my child's plan",
    "my child keeps missing occupational therapy sessions the council is supposed to provide",
]


def ranks(hits, doc_id) -> list[int]:
    return [i for i, h in enumerate(hits, 1) if h.doc_id == doc_id]


@pytest.fixture(scope="module")
def seed_engine(seed_index, encoder):
    eng = make_engine(seed_index, encoder)
    yield eng
    eng.close()


@pytest.mark.parametrize("query", OT_QUERIES)
def test_parent_ot_query_ranks_liverpool_and_nottinghamshire_first_in_the_builtin_corpus(seed_engine, query):
    """On the built-in corpus the two OT decisions come first: the top hit is one of them, both are in the top 5."""
    hits = seed_engine.search(query, k=10).hits
    assert hits[0].doc_id in {"24 004 187", "23 009 620"}, [(h.doc_id, h.para) for h in hits]
    assert {"24 004 187", "23 009 620"} <= {h.doc_id for h in hits[:5]}, [(h.doc_id, h.para) for h in hits]


@pytest.mark.parametrize("query", OT_QUERIES)
def test_parent_ot_query_finds_liverpool_and_nottinghamshire_in_the_full_corpus(full_engine, query):
    """Among 190 decisions, other OT cases (Bexley, Kent, Lincolnshire) are relevant too: both seeds stay in the top 10,
    and the top 5 are all decisions about therapy that was not delivered."""
    hits = full_engine.search(query, k=10).hits
    where = {d: ranks(hits, d) for d in ("24 004 187", "23 009 620")}
    print(f"\n{query!r}: " + ", ".join(f"{d} at {r or 'none'}" for d, r in where.items()))
    assert all(where.values()), [(h.doc_id, h.para) for h in hits]
    assert "23 009 620" in {h.doc_id for h in hits[:5]} or "24 004 187" in {h.doc_id for h in hits[:5]}
