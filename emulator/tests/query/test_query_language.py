"""The language: operators, undefined semantics, FROM/JOIN forms, subqueries, grouping and result shaping."""
from __future__ import annotations

import pytest

from cosmos_emulator.errors import CosmosError
from cosmos_emulator.query import prepare
from cosmos_emulator.query.parser import parse_query

DOCS = [
    {"id": "a", "n": 1, "s": "apple", "arr": [1, 2, 3], "obj": {"x": 1}, "flag": True, "team": "red",
     "kids": [{"name": "ann", "age": 4, "toys": ["ball", "car"]}, {"name": "bob", "age": 9, "toys": []}]},
    {"id": "b", "n": 2, "s": "banana", "arr": [], "obj": {"x": 2, "y": [1]}, "flag": False, "team": "blue",
     "kids": [{"name": "cid", "age": 9, "toys": ["kite"]}]},
    {"id": "c", "n": None, "s": "cherry_50%", "team": "red"},
    {"id": "d", "n": 4.5, "s": "Date", "arr": ["x"], "team": "blue", "kids": []},
]


def run(sql, parameters=None, documents=DOCS):
    return prepare(sql, parameters).run(documents)


def value(expression, parameters=None):
    results = run(f"SELECT VALUE {expression}", parameters, documents=[])
    return results[0] if results else "<undefined>"


# ------------------------------------------------------------------------------------------------ operators
@pytest.mark.parametrize("expression, expected", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 / 2", 3.5), ("4 / 2", 2), ("7 % 3", 1), ("-7 % 3", -1),
    ("-(3)", -3), ("+4", 4), ("2 - -2", 4), ("9007199254740993 + 1", 9007199254740994),
    ("'a' || 'b'", "ab"), ("'a' || 1", "<undefined>"), ("1 + '1'", "<undefined>"), ("true + 1", "<undefined>"),
    ("5 & 3", 1), ("5 | 3", 7), ("5 ^ 3", 6), ("~5", -6), ("1 << 4", 16), ("-16 >> 2", -4), ("-16 >>> 28", 15),
    ("1 = 1", True), ("1 = 1.0", True), ("1 = '1'", "<undefined>"), ("1 != 2", True), ("1 <> 1", False),
    ("'a' < 'b'", True), ("'B' < 'a'", True), ("1 < 'a'", "<undefined>"), ("null = null", True),
    ("null < 1", "<undefined>"), ("false < true", True), ("[1, 2] = [1, 2]", True), ("[1, 2] = [2, 1]", False),
    ('{"a": 1, "b": 2} = {"b": 2, "a": 1}', True), ("[1] < [2]", "<undefined>"),
    ("true AND false", False), ("true AND 1", "<undefined>"), ("false AND 1", False), ("true OR 1", True),
    ("false OR 1", "<undefined>"), ("NOT true", False), ("NOT 1", "<undefined>"), ("NOT NOT true", True),
    ("2 BETWEEN 1 AND 3", True), ("5 NOT BETWEEN 1 AND 3", True), ("'b' BETWEEN 'a' AND 'c'", True),
    ("2 BETWEEN 'a' AND 3", "<undefined>"),
    ("2 IN (1, 2, 3)", True), ("'2' IN (1, 2)", False), ("4 NOT IN (1, 2)", True), ("[1] IN ([1], [2])", True),
    ("'abc' LIKE 'a%'", True), ("'abc' LIKE 'a_c'", True), ("'abc' LIKE 'A%'", False), ("'a%c' LIKE 'a!%c' ESCAPE '!'", True),
    ("'abc' LIKE 'a!%c' ESCAPE '!'", False), ("'abc' NOT LIKE '%d'", True), ("'b' LIKE '[a-c]'", True),
    ("'d' LIKE '[^a-c]'", True), ("1 LIKE '1'", "<undefined>"),
    ("true ? 1 : 2", 1), ("false ? 1 : 2", 2), ("'x' ? 1 : 2", 2), ("undefined ?? 3", 3), ("null ?? 3", None),
    ("[1, undefined, 2]", [1, None, 2]), ('{"a": undefined, "b": 1}', {"b": 1}), ("[1, 2, 3][1]", 2),
    ('{"a": {"b": 5}}.a.b', 5), ('{"a": 1}["a"]', 1), ("[1, 2][5]", "<undefined>"), ("[1, 2][0.5]", "<undefined>"),
])
def test_operators(expression, expected):
    assert value(expression) == expected


def test_division_by_zero_is_an_error():
    with pytest.raises(CosmosError) as error:
        value("1 / 0")
    assert error.value.status == 400 and error.value.substatus == 4001


def test_undefined_keyword_and_parameters():
    assert value("undefined") == "<undefined>"
    assert value("@p.a", [{"name": "@p", "value": {"a": [1]}}]) == [1]
    assert value("@p[1]", [{"name": "@p", "value": [5, 6]}]) == 6


def test_property_index_with_a_parameter():
    assert run("SELECT VALUE c[@field] FROM c WHERE c.id = 'a'", [{"name": "@field", "value": "s"}]) == ["apple"]


# ------------------------------------------------------------------------------------------------ FROM / JOIN
def test_from_iteration_and_paths():
    assert run("SELECT VALUE k.name FROM k IN c.kids") == ["ann", "bob", "cid"]
    assert run("SELECT VALUE k.name FROM c.kids[0] k") == ["ann", "cid"]
    assert run("SELECT * FROM c.obj") == [{"x": 1}, {"x": 2, "y": [1]}]
    assert run("SELECT VALUE obj.x FROM root.obj") == [1, 2]


def test_joins_multiply_rows():
    assert run("SELECT c.id, k.name FROM c JOIN k IN c.kids") == [
        {"id": "a", "name": "ann"}, {"id": "a", "name": "bob"}, {"id": "b", "name": "cid"}]
    assert run("SELECT VALUE [c.id, k.name, t] FROM c JOIN k IN c.kids JOIN t IN k.toys") == [
        ["a", "ann", "ball"], ["a", "ann", "car"], ["b", "cid", "kite"]]
    assert run("SELECT VALUE c.id FROM c JOIN a IN c.arr WHERE a = 2") == ["a"]


def test_join_on_subquery():
    assert run("SELECT c.id, old FROM c JOIN (SELECT VALUE k.name FROM k IN c.kids WHERE k.age > 5) old") == [
        {"id": "a", "old": "bob"}, {"id": "b", "old": "cid"}]


def test_select_star_needs_a_single_source():
    with pytest.raises(CosmosError):
        run("SELECT * FROM c JOIN k IN c.kids")
    with pytest.raises(CosmosError):
        run("SELECT *")


# ------------------------------------------------------------------------------------------------ subqueries
def test_scalar_exists_and_array_subqueries():
    assert run("SELECT c.id, (SELECT VALUE COUNT(1) FROM k IN c.kids) AS kids FROM c") == [
        {"id": "a", "kids": 2}, {"id": "b", "kids": 1}, {"id": "c", "kids": 0}, {"id": "d", "kids": 0}]
    assert run("SELECT VALUE c.id FROM c WHERE EXISTS(SELECT VALUE t FROM k IN c.kids JOIN t IN k.toys "
               "WHERE t = 'kite')") == ["b"]
    assert run("SELECT VALUE ARRAY(SELECT VALUE k.age * 2 FROM k IN c.kids) FROM c WHERE c.id = 'a'") == [[8, 18]]
    assert run("SELECT VALUE (SELECT VALUE k.name FROM k IN c.kids WHERE k.age > 100) FROM c") == []
    assert run("SELECT VALUE c.id FROM c WHERE (SELECT VALUE MAX(k.age) FROM k IN c.kids) = 9") == ["a", "b"]


def test_from_subquery_counts_distinct_values():
    assert run("SELECT VALUE COUNT(1) FROM (SELECT DISTINCT VALUE c.team FROM c)") == [2]
    assert run("SELECT x.team FROM (SELECT c.team FROM c WHERE c.n > 1) x") == [{"team": "blue"},
                                                                                  {"team": "blue"}]


# ------------------------------------------------------------------------------------------------ shaping
def test_distinct_values_and_objects():
    assert run("SELECT DISTINCT VALUE c.team FROM c") == ["red", "blue"]
    assert run("SELECT DISTINCT c.team FROM c") == [{"team": "red"}, {"team": "blue"}]
    assert run("SELECT DISTINCT VALUE c.missing FROM c") == []


def test_offset_limit_and_top():
    assert run("SELECT VALUE c.id FROM c ORDER BY c.id OFFSET 1 LIMIT 2") == ["b", "c"]
    assert run("SELECT VALUE c.id FROM c OFFSET 3 LIMIT 10") == ["d"]
    assert run("SELECT TOP 0 * FROM c") == []
    with pytest.raises(CosmosError):
        run("SELECT TOP -1 * FROM c")
    with pytest.raises(CosmosError):
        run("SELECT * FROM c OFFSET 1")


def test_order_by_multiple_keys_and_directions():
    assert run("SELECT VALUE c.id FROM c ORDER BY c.team, c.n DESC") == ["d", "b", "a", "c"]


def test_order_by_must_be_a_path():
    with pytest.raises(CosmosError) as error:
        run("SELECT * FROM c ORDER BY LOWER(c.s)")
    assert "could not be mapped to a document path" in error.value.message


# ------------------------------------------------------------------------------------------------ aggregates
def test_aggregate_semantics():
    assert run("SELECT VALUE COUNT(1) FROM c") == [4]
    assert run("SELECT VALUE COUNT(c.n) FROM c") == [4]  # null counts, undefined does not
    assert run("SELECT VALUE COUNT(c.arr) FROM c") == [3]
    assert run("SELECT VALUE SUM(c.n) FROM c WHERE IS_NUMBER(c.n)") == [7.5]
    assert run("SELECT VALUE SUM(c.n) FROM c") == []          # null is not a number: the sum is undefined
    assert run("SELECT VALUE AVG(c.n) FROM c WHERE IS_NUMBER(c.n)") == [2.5]
    assert run("SELECT VALUE MIN(c.s) FROM c") == ["Date"]
    assert run("SELECT VALUE MAX(c.n) FROM c") == [4.5]
    assert run("SELECT VALUE MIN(c.n) FROM c") == [None]      # null sorts below numbers
    assert run("SELECT VALUE COUNT(1) FROM c WHERE false") == [0]
    assert run("SELECT VALUE SUM(c.n) FROM c WHERE false") == [0]
    assert run("SELECT VALUE AVG(c.n) FROM c WHERE false") == []
    assert run("SELECT COUNT(1) AS n, MAX(c.id) AS last FROM c") == [{"n": 4, "last": "d"}]
    assert run("SELECT VALUE COUNTIF(c.flag) FROM c") == [1]
    assert run("SELECT VALUE MAKESET(c.team) FROM c") == [["red", "blue"]]


def test_group_by():
    assert run("SELECT c.team, COUNT(1) AS n, MAX(c.id) AS last FROM c GROUP BY c.team") == [
        {"team": "red", "n": 2, "last": "c"}, {"team": "blue", "n": 2, "last": "d"}]
    assert run("SELECT VALUE COUNT(1) FROM c GROUP BY c.team") == [2, 2]
    assert run("SELECT UPPER(c.team) AS t FROM c GROUP BY UPPER(c.team)") == [{"t": "RED"}, {"t": "BLUE"}]
    assert run("SELECT c.flag, COUNT(1) AS n FROM c GROUP BY c.flag") == [
        {"flag": True, "n": 1}, {"flag": False, "n": 1}, {"n": 2}]


def test_group_by_validation():
    with pytest.raises(CosmosError) as error:
        run("SELECT c.id, COUNT(1) FROM c GROUP BY c.team")
    assert "SC2102" in error.value.message
    with pytest.raises(CosmosError) as error:
        run("SELECT * FROM c GROUP BY c.team")
    assert "SC2041" in error.value.message
    with pytest.raises(CosmosError) as error:
        run("SELECT VALUE MAX(MIN(c.n)) FROM c")
    assert "SC2101" in error.value.message
    with pytest.raises(CosmosError):
        run("SELECT * FROM c WHERE COUNT(1) > 1")


# ------------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("sql, code", [
    ("SELECT * FROM c;", "SC1010"), ("", "SC1002"), ("   ", "SC1002"), ("SELECT FROM c", "SC1001"),
    ("SELECT * FROM c WHERE c.value = 1", "SC1001"), ("SELECT * FROM c /* x */", "SC1001"),
    ("SELECT c.id, c.id FROM c", "SC2022"), ("SELECT NOPE(c.id) FROM c", "SC2005"),
    ("SELECT STARTSWITH(c.id) FROM c", "SC2050"), ("SELECT x.id FROM c", "SC2001"),
    ("SELECT TOP 4294967296 * FROM c", "SC2060"), ("SELECT 'unterminated FROM c", "SC1001"),
    ("SELECT * FROM c WHERE c.id = TRUE", "SC2001"),  # only lower-case true is the literal
])
def test_error_codes(sql, code):
    with pytest.raises(CosmosError) as error:
        run(sql)
    assert error.value.status == 400 and error.value.code == "BadRequest"
    assert f'"code":"{code}"' in error.value.message


def test_line_comments_and_case_insensitive_keywords():
    assert run("select value c.id from c -- trailing comment\n where c.n = 2") == ["b"]


def test_keywords_allowed_as_identifiers_and_escaped_names():
    assert parse_query("SELECT first.x FROM first")
    assert run('SELECT VALUE c["value"] FROM c', documents=[{"value": 3}]) == [3]
    assert run('SELECT c["value"] FROM c', documents=[{"value": 3}]) == [{"value": 3}]
