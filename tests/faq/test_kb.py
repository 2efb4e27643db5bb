"""Loading FAQ knowledge bases from TOML, with errors that name file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.faq import KbError, load_faq_toml

GOOD = """
[[faq]]
id = "kiln-booking"
question = "How do I book the kiln?"
answer = "Use the studio calendar."
alt_questions = ["Where do I reserve a firing?"]
tags = ["studio"]

[[faq]]
id = "clay-storage"
question = "Where do I keep clay?"
answer = "On your numbered shelf."
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kb.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_entries_as_faq_documents(tmp_path: Path) -> None:
    docs = load_faq_toml(_write(tmp_path, GOOD))
    assert [d.doc_id for d in docs] == ["kiln-booking", "clay-storage"]
    first = docs[0]
    assert (first.kind, first.title, first.answer) == ("faq", "How do I book the kiln?", "Use the studio calendar.")
    assert first.alt_titles == ("Where do I reserve a firing?",)
    assert first.tags == ("studio",)
    assert docs[1].alt_titles == () and docs[1].tags == ()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[[faq]]\nquestion = "q"\nanswer = "a"\n', "'id'"),
        ('[[faq]]\nid = "x"\nanswer = "a"\n', "'question'"),
        ('[[faq]]\nid = "x"\nquestion = "q"\nanswer = ""\n', "'answer'"),
        ('[[faq]]\nid = "x"\nquestion = "q"\nanswer = "a"\nalt_questions = "q2"\n', "'alt_questions'"),
        ('[[faq]]\nid = "x"\nquestion = "q"\nanswer = "a"\ntags = [1]\n', "'tags'"),
        ('title = "no entries"\n', "'faq'"),
    ],
)
def test_bad_entry_error_names_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(KbError) as info:
        load_faq_toml(path)
    assert str(path) in str(info.value)
    assert field in str(info.value)


def test_duplicate_id_is_reported(tmp_path: Path) -> None:
    entry = '[[faq]]\nid = "x"\nquestion = "q"\nanswer = "a"\n'
    with pytest.raises(KbError, match=r"#2.*'id' duplicates"):
        load_faq_toml(_write(tmp_path, entry + entry))


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KbError, match="invalid TOML"):
        load_faq_toml(_write(tmp_path, "[[faq]\nid = 1"))
    with pytest.raises(KbError, match="cannot read"):
        load_faq_toml(tmp_path / "missing.toml")
