"""The reading engine on generated documents: fields per kind of file, checks, and limits.

OCR tests need tesseract with the `vie` data, the corpus needs LibreOffice and pdftoppm; each
skips with the reason when missing, and fails instead under REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from documents.reading import (
    DocumentFields,
    Expectation,
    check_document,
    describe,
    engine,
    read_document,
    read_document_async,
)
from documents.reading.checks import issuer_matches
from documents.reading.legacy_fonts import (
    detect_legacy,
    tcvn3_to_unicode,
    to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)
from documents.reading.normalize import key, similar
from documents.reading.ocr import vietnamese_data_missing
from tests.documents.corpus import SPEC_BY_NAME, SPECS, DocSpec, Sample, build_corpus

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
EXPECTATION = Expectation(
    doc_types=("Kế hoạch", "Quyết định"),
    subject_words=("Đẩy mạnh cải cách hành chính",),
    subject_label="phong trào thi đua",
    issued_from=date(2024, 1, 1),
    issued_to=date(2024, 3, 31),
)
LIMIT = 60.0  # generous: the test machine is shared; the deadline itself is tested below


def _missing(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what}; REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    if shutil.which("soffice") is None:
        _missing("LibreOffice (soffice) is not installed: no PDF test documents")
    samples = build_corpus(tmp_path_factory.mktemp("corpus"), scans=False)
    return {(s.spec.name, s.kind): s.path for s in samples}


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    why = vietnamese_data_missing()
    if why:
        _missing(f"OCR cannot run: {why}")
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        _missing("LibreOffice and pdftoppm are needed to make the scans")
    specs = [SPEC_BY_NAME["ka_long_kh"], SPEC_BY_NAME["tra_co_for_ka_long"]]
    samples: list[Sample] = build_corpus(tmp_path_factory.mktemp("scans"), specs=specs,
                                         scan_kinds=("jpeg", "scan_pdf"))
    return {(s.spec.name, s.kind): s.path for s in samples}


def _assert_fields(fields: DocumentFields, spec: DocSpec) -> None:
    assert fields.issuer is not None
    assert key(fields.issuer) == key(spec.issuer)
    assert fields.parent_issuer == spec.parent_issuer
    assert fields.number == spec.number
    assert fields.place == spec.place
    assert fields.issued_on == spec.issued_on
    assert fields.doc_type == spec.doc_type
    assert fields.subject is not None
    assert similar(fields.subject, spec.subject) >= 0.97
    assert fields.signer_title is not None
    assert key(fields.signer_title) == key(spec.signer_title)


# --- legacy fonts -------------------------------------------------------------------------

def test_tcvn3_table_reads_the_national_motto_as_typed_in_vntime() -> None:
    assert tcvn3_to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == (
        "Cộng hoà xã hội chủ nghĩa Việt Nam")
    assert tcvn3_to_unicode("§éc lËp - Tù do - H¹nh phóc") == "Độc lập - Tự do - Hạnh phúc"


def test_vni_table_reads_the_national_motto_as_typed_in_vni_times() -> None:
    assert vni_to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == (
        "Cộng hòa xã hội chủ nghĩa Việt Nam")
    assert vni_to_unicode("Ñoäc laäp - Töï do - Haïnh phuùc") == "Độc lập - Tự do - Hạnh phúc"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_legacy_encodings_round_trip_and_are_detected(spec: DocSpec) -> None:
    # TCVN3 has no capital "Ủ" in its normal font: a capital with a tone starts no mixed line.
    text = "\n".join([*spec.issuer_lines, spec.subject, "của thành phố Móng Cái"])
    assert to_unicode(unicode_to_tcvn3(text)) == (text, "tcvn3")
    assert to_unicode(unicode_to_vni(text)) == (text, "vni")
    assert detect_legacy(text) is None


# --- fields from text ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_fields_are_read_from_docx_and_pdf_text(
    corpus: dict[tuple[str, str], Path], spec: DocSpec, kind: str
) -> None:
    result = read_document(corpus[spec.name, kind], media_type=None, time_limit=LIMIT)
    assert result.fields.source == "text"
    assert result.kind == kind
    _assert_fields(result.fields, spec)
    assert result.fields.confidence == 1.0
    if spec.encoding in ("tcvn3", "vni"):
        assert any(spec.encoding.upper() in note for note in result.fields.notes)


@pytest.mark.parametrize("kind", ["jpeg", "scan_pdf"])
def test_fields_are_read_from_a_turned_noisy_scan(
    scans: dict[tuple[str, str], Path], kind: str
) -> None:
    spec = SPEC_BY_NAME["ka_long_kh"]
    result = read_document(scans[spec.name, kind], media_type=None, time_limit=LIMIT)
    fields = result.fields
    assert fields.source == "ocr"
    assert fields.number == spec.number  # from the heading block read again, enlarged
    assert fields.issued_on == spec.issued_on
    assert fields.doc_type == "Kế hoạch"
    assert fields.issuer is not None
    assert issuer_matches(fields.issuer, "UBND phường Ka Long")
    assert check_document(fields, EXPECTATION, unit_names=["UBND phường Ka Long"]) == []


def test_a_scan_of_another_units_plan_is_flagged(scans: dict[tuple[str, str], Path]) -> None:
    result = read_document(scans["tra_co_for_ka_long", "jpeg"], media_type="image/jpeg",
                           time_limit=LIMIT)
    messages = [m.message for m in check_document(result.fields, EXPECTATION,
                                                  unit_names=["UBND phường Ka Long"])]
    assert messages == ["cơ quan ban hành là UBND phường Trà Cổ, không phải đơn vị của Anh/Chị"]


# --- checks and the sentence --------------------------------------------------------------

def _fields(spec: DocSpec) -> DocumentFields:
    return DocumentFields(issuer=spec.issuer, number=spec.number, place=spec.place,
                          issued_on=spec.issued_on, doc_type=spec.doc_type,
                          subject=spec.subject, signer_title=spec.signer_title, source="text")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ka_long_kh", []),
        ("hai_hoa_qd", []),
        ("hai_xuan_last_year", ["văn bản ghi ngày 12/12/2023, trước năm phát động"]),
        ("tran_phu_cong_van", ["loại văn bản là Công văn, không phải Kế hoạch hoặc Quyết định"]),
        ("tra_co_for_ka_long",
         ["cơ quan ban hành là UBND phường Trà Cổ, không phải đơn vị của Anh/Chị"]),
        ("hai_dong_other_subject",
         ["trích yếu không nhắc đến phong trào thi đua “Đẩy mạnh cải cách hành chính”"]),
    ],
)
def test_mismatches_are_told_in_plain_vietnamese(name: str, expected: list[str]) -> None:
    spec = SPEC_BY_NAME[name]
    found = check_document(_fields(spec), EXPECTATION, unit_names=[spec.unit])
    assert [m.message for m in found] == expected


def test_issuer_matching_forgives_spelling_case_normal_form_and_ocr_slips() -> None:
    import unicodedata

    assert issuer_matches("UBND phường Hải Hoà", "UBND phường Hải Hòa")
    assert issuer_matches("ỦY BAN NHÂN DÂN PHƯỜNG KA LONG", "UBND phường Ka Long")
    assert issuer_matches(unicodedata.normalize("NFD", "UBND phường Ninh Dương"),
                          "Phường Ninh Dương")
    assert issuer_matches("UBND phường Ninh Dưong", "UBND phường Ninh Dương")
    assert not issuer_matches("UBND phường Trà Cổ", "UBND phường Ka Long")
    assert not issuer_matches("UBND phường Hải Hà", "UBND phường Hải Hòa")


def test_dates_after_the_window_and_unread_fields_are_said() -> None:
    late = DocumentFields(issued_on=date(2024, 4, 15), doc_type="Kế hoạch", source="ocr",
                          subject="Phát động phong trào thi đua Đẩy mạnh cải cách hành chính")
    messages = [m.message for m in check_document(late, EXPECTATION, unit_names=["Ka Long"])]
    assert messages == [
        "văn bản ghi ngày 15/04/2024, sau thời gian yêu cầu (từ 01/01/2024 đến 31/03/2024)",
        "không đọc được cơ quan ban hành",
    ]
    nothing = check_document(DocumentFields(), EXPECTATION, unit_names=["Ka Long"])
    assert [m.code for m in nothing] == ["unreadable"]


def test_describe_cites_the_document_as_people_do() -> None:
    text = describe(_fields(SPEC_BY_NAME["ka_long_kh"]))
    assert text == ("Kế hoạch số 25/KH-UBND ngày 05/03/2024 của UBND phường Ka Long về phát "
                    "động phong trào thi đua “Đẩy mạnh cải cách hành chính” năm 2024")
    qd = describe(_fields(SPEC_BY_NAME["hai_hoa_qd"]))
    assert qd.startswith("Quyết định số 112/QĐ-UBND ngày 20/02/2024 của UBND phường Hải Hoà "
                         "về phát động phong trào")
    assert describe(DocumentFields()) == "Không đọc được nội dung văn bản"


# --- limits -------------------------------------------------------------------------------

def test_a_file_that_is_not_a_document_is_not_opened(tmp_path: Path) -> None:
    script = tmp_path / "ke-hoach.pdf"
    script.write_text("#!/bin/sh\necho pwned > pwned\n")
    result = read_document(script, media_type="application/pdf", time_limit=LIMIT)
    assert result.fields.source == "none"
    assert result.kind == "unknown"
    assert not (tmp_path / "pwned").exists()


def test_a_file_over_the_size_limit_is_not_read(
    corpus: dict[tuple[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "MAX_BYTES", 1000)
    result = read_document(corpus["ka_long_kh", "pdf"], media_type=None, time_limit=LIMIT)
    assert result.fields.source == "none"
    assert "không đọc được nội dung: tệp quá lớn" in result.fields.notes


def test_a_claimed_type_that_the_bytes_contradict_is_noted(
    corpus: dict[tuple[str, str], Path]
) -> None:
    result = read_document(corpus["ka_long_kh", "docx"], media_type="application/pdf",
                           time_limit=LIMIT)
    assert result.fields.number == "25/KH-UBND"
    assert "tệp khai là application/pdf nhưng nội dung là DOCX" in result.fields.notes


def test_the_worker_is_killed_at_the_deadline(corpus: dict[tuple[str, str], Path]) -> None:
    result = read_document(corpus["ka_long_kh", "pdf"], media_type=None, time_limit=0.01)
    assert result.fields.source == "none"
    assert result.seconds < 5
    assert any("trong 0.01 giây" in note for note in result.fields.notes)


async def test_reading_does_not_hold_up_the_event_loop(
    corpus: dict[tuple[str, str], Path]
) -> None:
    reading = asyncio.create_task(read_document_async(
        corpus["hai_hoa_qd", "docx"], media_type=None, time_limit=LIMIT))
    answered = await asyncio.create_task(asyncio.to_thread(lambda: "other message answered"))
    assert answered == "other message answered"
    assert not reading.done()  # the other message was answered while the file was being read
    result = await reading
    assert result.fields.doc_type == "Quyết định"
