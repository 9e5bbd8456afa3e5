"""Schema linking: word forms, abbreviations and which run of words wins."""

from __future__ import annotations

import pytest

from sqlsynth.catalog import Catalog, Column, Table
from sqlsynth.translate.linking import lemma, link_question, singular, tokenize

PUBLISHING = Catalog(
    dialect="sqlite",
    tables=(
        Table(
            name="publication",
            columns=(
                Column(name="Publication_ID", type="INTEGER"),
                Column(name="Publication_Date", type="TEXT"),
                Column(name="Num_of_Copies", type="INTEGER"),
            ),
            primary_key=("Publication_ID",),
        ),
    ),
)


def test_short_plural_of_id_is_singular() -> None:
    assert singular("ids") == "id"


@pytest.mark.parametrize(("word", "expected"), [("num", "number"), ("qty", "quantity")])
def test_schema_abbreviations_read_as_their_words(word: str, expected: str) -> None:
    assert lemma(word) == expected


def test_a_longer_run_wins_over_a_slightly_surer_word_inside_it() -> None:
    linking = link_question("How many distinct publication dates are there?", PUBLISHING)
    found = {link.text: link.best.element.label for link in linking.links}
    assert found == {"publication dates": "column publication.Publication_Date"}


def test_abbreviated_column_links_to_the_spelled_out_words() -> None:
    linking = link_question("average number of copies", PUBLISHING)
    labels = [link.best.element.label for link in linking.links]
    assert "column publication.Num_of_Copies" in labels


def test_a_noun_named_by_the_primary_key_names_the_table() -> None:
    catalog = Catalog(
        dialect="sqlite",
        tables=(
            Table(
                name="parish_water_supply",
                columns=(
                    Column(name="Parish_ID", type="INTEGER"),
                    Column(name="Wells", type="INTEGER"),
                ),
                primary_key=("Parish_ID",),
            ),
        ),
    )
    linking = link_question("How many parishes are there?", catalog)
    assert [link.best.element.label for link in linking.links] == ["table parish_water_supply"]


def test_british_and_american_spellings_link_alike() -> None:
    catalog = Catalog(
        dialect="sqlite",
        tables=(
            Table(
                name="voyage",
                columns=(
                    Column(name="voyage_id", type="INTEGER"),
                    Column(name="date_of_enrolment", type="TEXT"),
                    Column(name="miles_travelled", type="INTEGER"),
                ),
                primary_key=("voyage_id",),
            ),
        ),
    )
    linking = link_question("Show the enrollment date and miles traveled of voyages.", catalog)
    found = {link.best.element.label for link in linking.links}
    assert "column voyage.date_of_enrolment" in found
    assert "column voyage.miles_travelled" in found


def test_words_written_apart_link_to_a_name_written_as_one_word() -> None:
    catalog = Catalog(
        dialect="sqlite",
        tables=(
            Table(
                name="accounts",
                columns=(
                    Column(name="uid", type="INTEGER"),
                    Column(name="shardkey", type="INTEGER"),
                ),
                primary_key=("uid",),
            ),
        ),
    )
    linking = link_question("What is the shard key of each account?", catalog)
    assert "column accounts.shardkey" in [link.best.element.label for link in linking.links]


def test_comparison_signs_read_as_the_words_they_stand_for() -> None:
    norms = [t.norm for t in tokenize("salary > 80000 and age <= 30")]
    assert norms == ["salary", "more", "than", "80000", "and", "age", "at", "most", "30"]


def test_a_minus_sign_before_a_number_makes_it_negative_but_a_range_dash_does_not() -> None:
    numbers = [t.number for t in tokenize("elevation between -50 and 50 in 1990-2000")]
    assert [n for n in numbers if n is not None] == [-50, 50, 1990, 2000]


def test_a_token_followed_by_a_comma_is_marked() -> None:
    commas = [t.comma for t in tokenize("the grapes, appelations and wines")]
    assert commas == [False, True, False, False, False]
