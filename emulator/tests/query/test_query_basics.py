"""prepare(sql, parameters).run(documents): the common subset of the language."""
from __future__ import annotations

import pytest

from cosmos_emulator.errors import CosmosError
from cosmos_emulator.query import prepare

FAMILY = [
    {"id": "AndersenFamily", "lastName": "Andersen", "pk": "WA", "age": 45, "registered": True,
     "parents": [{"firstName": "Thomas"}, {"firstName": "Mary Kay"}],
     "children": [{"firstName": "Henriette Thaulow", "grade": 5, "pets": [{"givenName": "Fluffy"}]}],
     "address": {"state": "WA", "county": "King", "city": "Seattle"}},
    {"id": "WakefieldFamily", "pk": "NY", "age": 38, "registered": False,
     "parents": [{"familyName": "Wakefield", "givenName": "Robin"}, {"familyName": "Miller", "givenName": "Ben"}],
     "children": [{"familyName": "Merriam", "givenName": "Jesse", "grade": 1,
                   "pets": [{"givenName": "Goofy"}, {"givenName": "Shadow"}]},
                  {"familyName": "Miller", "givenName": "Lisa", "grade": 8}],
     "address": {"state": "NY", "county": "Manhattan", "city": "NY"}},
    {"id": "SmithFamily", "pk": "WA", "age": None, "lastName": "Smith", "children": []},
]


def run(sql, parameters=None, documents=FAMILY):
    return prepare(sql, parameters).run(documents)


def test_select_star_returns_documents_in_order():
    assert run("SELECT * FROM c") == FAMILY


def test_from_root_with_alias():
    assert run("SELECT VALUE f.id FROM root f") == ["AndersenFamily", "WakefieldFamily", "SmithFamily"]
    assert run("SELECT VALUE r.id FROM root AS r WHERE r.age = 38") == ["WakefieldFamily"]


def test_projection_names_and_undefined_dropped():
    assert run("SELECT c.id, c.lastName, c.address.city FROM c") == [
        {"id": "AndersenFamily", "lastName": "Andersen", "city": "Seattle"},
        {"id": "WakefieldFamily", "city": "NY"},
        {"id": "SmithFamily", "lastName": "Smith"},
    ]


def test_unnamed_projections_are_numbered():
    assert run("SELECT c.id, c.age + 1, UPPER(c.pk) FROM c WHERE c.id = 'AndersenFamily'") == [
        {"id": "AndersenFamily", "$1": 46, "$2": "WA"}]


def test_aliases_and_index_access():
    assert run('SELECT c["id"] AS name, c.parents[0].firstName AS first FROM c WHERE c.pk = "WA"') == [
        {"name": "AndersenFamily", "first": "Thomas"}, {"name": "SmithFamily"}]


def test_select_value_drops_undefined():
    assert run("SELECT VALUE c.lastName FROM c") == ["Andersen", "Smith"]


def test_comparisons_and_logic():
    assert run("SELECT VALUE c.id FROM c WHERE c.age >= 38 AND c.age < 45") == ["WakefieldFamily"]
    assert run("SELECT VALUE c.id FROM c WHERE c.age > 40 OR c.pk = 'NY'") == ["AndersenFamily", "WakefieldFamily"]
    assert run("SELECT VALUE c.id FROM c WHERE NOT c.registered") == ["WakefieldFamily"]
    assert run("SELECT VALUE c.id FROM c WHERE c.age != 45") == ["WakefieldFamily"]


def test_comparison_across_types_is_undefined_and_filters_out():
    # age is null for Smith: null > 10 is undefined, and NOT undefined is still undefined.
    assert run("SELECT VALUE c.id FROM c WHERE c.age > 10") == ["AndersenFamily", "WakefieldFamily"]
    assert run("SELECT VALUE c.id FROM c WHERE NOT (c.age > 10)") == []
    assert run("SELECT VALUE c.id FROM c WHERE c.age = '45'") == []


def test_parameters():
    assert run("SELECT VALUE c.id FROM c WHERE c.pk = @state AND c.age > @min",
               [{"name": "@state", "value": "WA"}, {"name": "@min", "value": 1}]) == ["AndersenFamily"]


def test_unbound_parameter_is_undefined():
    # The service treats a parameter the request does not bind (or binds without a value) as undefined.
    assert run("SELECT VALUE c.id FROM c WHERE c.id = @nope") == []
    assert run("SELECT VALUE IS_DEFINED(@nope)") == [False]
    assert run("SELECT VALUE IS_DEFINED(@p)", [{"name": "@p"}]) == [False]
    assert run("SELECT VALUE IS_NULL(@p)", [{"name": "@p", "value": None}]) == [True]


def test_parameter_names_are_validated():
    for parameters in ([{"name": "p", "value": 1}], [{"name": "@p", "value": 1}, {"name": "@p", "value": 2}]):
        with pytest.raises(CosmosError) as error:
            run("SELECT 1", parameters)
        assert error.value.status == 400


def test_top_and_order_by():
    assert run("SELECT TOP 2 VALUE c.id FROM c ORDER BY c.id") == ["AndersenFamily", "SmithFamily"]
    assert run("SELECT VALUE c.id FROM c ORDER BY c.age DESC") == ["AndersenFamily", "WakefieldFamily",
                                                                     "SmithFamily"]
    assert run("SELECT TOP @n VALUE c.id FROM c", [{"name": "@n", "value": 1}]) == ["AndersenFamily"]


def test_order_by_mixed_types_uses_type_order():
    documents = [{"id": str(i), "v": v} for i, v in enumerate(["b", 2, None, True, "a", 1, False])]
    documents.append({"id": "missing"})
    assert run("SELECT VALUE c.id FROM c ORDER BY c.v", documents=documents) == [
        "missing", "2", "6", "3", "5", "1", "4", "0"]
    assert run("SELECT VALUE c.id FROM c ORDER BY c.v DESC", documents=documents) == [
        "0", "4", "1", "5", "3", "6", "2", "missing"]


def test_order_by_is_stable_for_ties():
    documents = [{"id": str(i), "v": i % 2} for i in range(6)]
    assert run("SELECT VALUE c.id FROM c ORDER BY c.v", documents=documents) == ["0", "2", "4", "1", "3", "5"]


def test_query_without_from():
    assert run("SELECT 1 AS one, 'x' || 'y' AS xy") == [{"one": 1, "xy": "xy"}]
    assert run("SELECT VALUE [1, 2, {\"a\": undefined}]") == [[1, 2, {}]]


def test_syntax_error_points_at_the_token():
    with pytest.raises(CosmosError) as error:
        run("SELECT * FROM c WHERE")
    assert error.value.status == 400
    assert error.value.code == "BadRequest"
    assert "Syntax error" in error.value.message

    with pytest.raises(CosmosError) as error:
        run("SELECT * FROM c WHERE c.id = 'a' ORDER c.id")
    assert "near 'c'" in error.value.message and "expected BY" in error.value.message
    assert '"start":39' in error.value.message


def test_unknown_identifier_is_a_semantic_error():
    with pytest.raises(CosmosError) as error:
        run("SELECT * FROM c WHERE d.id = 1")
    assert error.value.status == 400
    assert "Identifier 'd' could not be resolved" in error.value.message


def test_requires_client_pipeline():
    for sql in ("SELECT * FROM c", "SELECT c.id FROM c WHERE c.age > 1", "SELECT c.id, t FROM c JOIN t IN c.tags"):
        assert prepare(sql).requires_client_pipeline is False, sql
    for sql in ("SELECT * FROM c ORDER BY c.id", "SELECT TOP 1 * FROM c", "SELECT DISTINCT c.pk FROM c",
                "SELECT * FROM c OFFSET 0 LIMIT 1", "SELECT VALUE COUNT(1) FROM c",
                "SELECT c.pk FROM c GROUP BY c.pk"):
        assert prepare(sql).requires_client_pipeline is True, sql
