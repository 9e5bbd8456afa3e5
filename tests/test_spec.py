from pathlib import Path

import pytest

from sqlsynth.errors import SpecError
from sqlsynth.spec import NLSpec, load_spec_file, load_specs, spec_hash


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_file_may_hold_a_list_of_specs(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.yml",
        "specs:\n  - name: a\n    prompt: How many orders?\n  - name: b\n    prompt: 'x: y'\n",
    )
    assert [s.name for s in load_spec_file(path)] == ["a", "b"]


def test_missing_prompt_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yml", "specs:\n  - name: a\n    prompt: ok\n  - name: b\n")
    with pytest.raises(SpecError) as error:
        load_spec_file(path)
    assert f"{path}: specs[1].prompt: Field required" in str(error.value)


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yml", "name: a\nprompt: ok\nsourcs: [orders]\n")
    with pytest.raises(SpecError, match="sourcs"):
        load_spec_file(path)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yml", "name: a\nprompt: [unclosed\n")
    with pytest.raises(SpecError, match=r"s\.yml: line \d+ is not valid YAML"):
        load_spec_file(path)


def test_spec_files_cannot_construct_python_objects(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yml", "name: a\nprompt: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(SpecError, match="is not valid YAML"):
        load_spec_file(path)


def test_duplicate_spec_names_are_rejected(tmp_path: Path) -> None:
    write(tmp_path / "specs" / "a.yml", "name: same\nprompt: one\n")
    write(tmp_path / "specs" / "b.yml", "name: same\nprompt: two\n")
    with pytest.raises(SpecError, match="already used"):
        load_specs(tmp_path / "specs")


def test_spec_name_must_be_an_identifier() -> None:
    with pytest.raises(ValueError):
        NLSpec(name="drop table; --", prompt="x")


def test_spec_hash_ignores_bookkeeping_but_not_the_prompt() -> None:
    base = NLSpec(name="a", prompt="How many orders?", sources=("orders",))
    assert spec_hash(base) == spec_hash(base.model_copy(update={"owner": "x", "tags": ("t",)}))
    assert spec_hash(base) == spec_hash(base.model_copy(update={"sources": ("prod.sales.orders",)}))
    assert spec_hash(base) != spec_hash(base.model_copy(update={"prompt": "How many customers?"}))


def test_an_edited_spec_file_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path / "s.yml", "name: a\nprompt: How many orders?\n")
    assert load_spec_file(path)[0].prompt == "How many orders?"
    path.write_text("name: a\nprompt: How many customers are there?\n")
    assert load_spec_file(path)[0].prompt == "How many customers are there?"
