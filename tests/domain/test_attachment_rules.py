"""Rules of attached files: names, descriptions, sizes shown to people, where content is kept."""

from __future__ import annotations

import pytest

from tui_crm.domain.attachments import (
    MAX_DESCRIPTION,
    MAX_NAME,
    Attachment,
    AttachmentRuleError,
    blob_name,
    clean_description,
    clean_name,
    human_size,
)

HASH = "ab" + "0" * 62


def test_a_name_is_the_last_part_of_a_path_without_control_characters():
    assert clean_name("/home/anna/umowa 2026.pdf") == "umowa 2026.pdf"
    assert clean_name("C:\\Users\\anna\\faktura.pdf") == "faktura.pdf"
    assert clean_name("  zdj\x07ęcie.jpg ") == "zdjęcie.jpg"


@pytest.mark.parametrize("bad", ["", "   ", ".", "..", "folder/"])
def test_an_empty_name_is_refused(bad):
    with pytest.raises(AttachmentRuleError):
        clean_name(bad)


def test_a_long_name_is_shortened_keeping_its_extension():
    name = clean_name("x" * 400 + ".pdf")
    assert len(name) == MAX_NAME and name.endswith("x.pdf")


def test_a_description_is_one_line_and_not_too_long():
    assert clean_description("  umowa\nna  serwis\t2026 ") == "umowa na serwis 2026"
    assert clean_description("") == ""
    assert clean_description("x" * MAX_DESCRIPTION) == "x" * MAX_DESCRIPTION
    with pytest.raises(AttachmentRuleError, match="too long"):
        clean_description("x" * (MAX_DESCRIPTION + 1))


@pytest.mark.parametrize(("size", "shown"), [
    (0, "0 B"), (512, "512 B"), (1023, "1,023 B"), (1024, "1 KB"), (1536, "1.5 KB"),
    (10 * 1024 * 1024, "10 MB"), (1024 * 1024 - 1, "1 MB"), (3 * 1024**3 + 1024**3 // 2, "3.5 GB"),
])
def test_sizes_are_shown_in_binary_units_in_the_locale(size, shown):
    assert human_size(size) == shown


def test_sizes_follow_the_language():
    from tui_crm import i18n

    i18n.setup("pl")
    try:
        assert human_size(1536).replace("\xa0", " ") == "1,5 KB"
    finally:
        i18n.setup("en")


def test_content_is_kept_in_256_subfolders_by_hash():
    assert blob_name(HASH) == f"ab/{HASH}"
    with pytest.raises(AttachmentRuleError):
        blob_name("../../etc/passwd")


def test_a_record_round_trips_and_is_compact_until_deleted():
    record = Attachment(7, "umowa.pdf", 1234, HASH, "umowa", "2026-11-25T12:00:00+00:00", "anna", id=3)
    doc = record.to_doc()
    assert "deleted_at" not in doc and "id" not in doc
    assert Attachment.from_doc(doc, 3) == record
    record.deleted_at, record.deleted_by = "2026-11-26T12:00:00+00:00", "kasia"
    assert Attachment.from_doc(record.to_doc(), 3).trashed
