"""Built-in function families, with the service's documented examples where it gives them."""
from __future__ import annotations

import math

import pytest

from cosmos_emulator.query import prepare

UNDEF = "<undefined>"


def value(expression, parameters=None):
    results = prepare(f"SELECT VALUE {expression}", parameters).run([])
    return results[0] if results else UNDEF


def check(cases):
    for expression, expected in cases:
        actual = value(expression)
        if isinstance(expected, float) and isinstance(actual, float):
            assert math.isclose(actual, expected, rel_tol=1e-9), expression
        else:
            assert actual == expected, (expression, actual)


def test_mathematical():
    check([
        ("ABS(-5)", 5), ("CEILING(1.2)", 2), ("FLOOR(-1.2)", -2), ("ROUND(2.5)", 3), ("ROUND(-6.5)", -7),
        ("ROUND(2.4)", 2), ("TRUNC(-2.7)", -2), ("SIGN(-3)", -1), ("SQRT(16)", 4), ("SQUARE(3)", 9),
        ("POWER(2, 10)", 1024), ("EXP(0)", 1), ("LOG(1)", 0), ("LOG(8, 2)", 3.0), ("LOG10(1000)", 3.0),
        ("PI()", math.pi), ("DEGREES(PI())", 180), ("RADIANS(180)", math.pi), ("SIN(0)", 0), ("COS(0)", 1),
        ("ATN2(35.175643, 129.44)", 1.3054517947300646), ("NumberBin(7, 5)", 5), ("NumberBin(-7, 5)", -10),
        ("ABS('x')", UNDEF), ("SQRT(-1)", UNDEF),
        ("IntAdd(2, 3)", 5), ("IntSub(2, 3)", -1), ("IntMul(4, 5)", 20), ("IntDiv(-7, 2)", -3), ("IntMod(-7, 2)", -1),
        ("IntBitAnd(12, 10)", 8), ("IntBitOr(12, 10)", 14), ("IntBitXor(12, 10)", 6), ("IntBitNot(0)", -1),
        ("IntBitLeftShift(1, 3)", 8), ("IntBitRightShift(-16, 2)", -4), ("IntAdd(1.5, 1)", UNDEF),
        ("IntDiv(1, 0)", UNDEF), ("IntAdd(9223372036854775807, 1)", -9223372036854775808),
    ])
    assert 0 <= value("RAND()") < 1


def test_type_checking_and_conditional():
    check([
        ("IS_ARRAY([])", True), ("IS_BOOL(false)", True), ("IS_DEFINED(undefined)", False), ("IS_NULL(null)", True),
        ("IS_NUMBER(1)", True), ("IS_NUMBER(true)", False), ("IS_OBJECT({})", True), ("IS_PRIMITIVE('a')", True),
        ("IS_PRIMITIVE([])", False), ("IS_STRING(1)", False), ("IS_INTEGER(4.0)", True), ("IS_INTEGER(4.5)", False),
        ("IS_FINITE_NUMBER(1.5)", True), ("IIF(true, 1, 2)", 1), ("IIF('true', 1, 2)", 2), ("IIF(null, 1, 2)", 2),
    ])


def test_strings():
    check([
        ("CONCAT('a', 'b', 'c')", "abc"), ("CONCAT('a', 1)", UNDEF), ("CONTAINS('abc', 'B')", False),
        ("CONTAINS('abc', 'B', true)", True), ("STARTSWITH('abc', 'ab')", True), ("ENDSWITH('abc', 'BC', true)", True),
        ("StringEquals('abc', 'ABC', true)", True), ("StringEquals('abc', 'ABC')", False),
        ("INDEX_OF('abcabc', 'c')", 2), ("INDEX_OF('abcabc', 'c', 3)", 5), ("INDEX_OF('abc', 'z')", -1),
        ("LEFT('abcdef', 2)", "ab"), ("RIGHT('abcdef', 2)", "ef"), ("LENGTH('abc')", 3), ("LOWER('AbC')", "abc"),
        ("UPPER('abc')", "ABC"), ("LTRIM('  a ')", "a "), ("RTRIM(' a  ')", " a"), ("TRIM('  a  ')", "a"),
        ("REPLACE('aXbX', 'X', '-')", "a-b-"), ("REPLICATE('ab', 3)", "ababab"), ("REVERSE('abc')", "cba"),
        ("SUBSTRING('abcdef', 1, 3)", "bcd"), ("SUBSTRING('abc', 5, 1)", ""),
        ("ToString(1)", "1"), ("ToString(1.5)", "1.5"), ("ToString(true)", "true"), ("ToString(null)", "null"),
        ("ToString([1, 'a'])", '[1,"a"]'), ('ToString({"a": 1})', '{"a":1}'), ("ToString(undefined)", UNDEF),
        ("StringToArray('[1, 2]')", [1, 2]), ("StringToArray('1')", UNDEF), ("StringToBoolean('true')", True),
        ("StringToNull('null')", None), ("StringToNumber('1.5')", 1.5), ("StringToNumber('x')", UNDEF),
        ("StringToObject('{\"a\": [1]}')", {"a": [1]}), ("StringToObject(\"{'a': 1}\")", UNDEF),
        ("RegexMatch('abc', 'b')", True), ("RegexMatch('abc', '^b')", False), ("RegexMatch('ABC', 'b', 'i')", True),
        ("RegexMatch('abc', '(')", UNDEF), ("StringJoin(['a', 'b'], '-')", "a-b"), ("StringSplit('a-b', '-')", ["a", "b"]),
    ])


def test_arrays_and_sets():
    check([
        ("ARRAY_CONCAT([1], [2, 3])", [1, 2, 3]), ("ARRAY_LENGTH([1, 2])", 2), ("ARRAY_LENGTH('x')", UNDEF),
        ("ARRAY_CONTAINS([1, 2], 2)", True), ('ARRAY_CONTAINS([{"a": 1, "b": 2}], {"a": 1})', False),
        ('ARRAY_CONTAINS([{"a": 1, "b": 2}], {"a": 1}, true)', True),
        ("ARRAY_CONTAINS_ANY([1, 2], 5, 2)", True), ("ARRAY_CONTAINS_ALL([1, 2], 1, 2)", True),
        ("ARRAY_CONTAINS_ALL([1, 2], 1, 3)", False), ("ARRAY_SLICE([1, 2, 3, 4], 1, 2)", [2, 3]),
        ("ARRAY_SLICE([1, 2, 3, 4], -2)", [3, 4]), ("ARRAY_SLICE([1, 2, 3], 1, 0)", []),
        ("SetIntersect([1, 2, 2, 3], [2, 3, 4])", [2, 3]), ("SetUnion([1, 2], [2, 3])", [1, 2, 3]),
    ])


def test_date_and_time():
    check([
        ("DateTimeAdd('mm', 1, '2020-01-31T00:00:00.0000000Z')", "2020-02-29T00:00:00.0000000Z"),
        ("DateTimeAdd('hh', -2, '2020-07-03T00:00:00.0000000Z')", "2020-07-02T22:00:00.0000000Z"),
        ("DateTimeAdd('ns', 100, '2020-07-03T00:00:00.0000000Z')", "2020-07-03T00:00:00.0000001Z"),
        ("DateTimeDiff('yyyy', '2019-12-31T23:59:59Z', '2020-01-01T00:00:00Z')", 1),
        ("DateTimeDiff('day', '2020-01-01T23:00:00Z', '2020-01-03T01:00:00Z')", 2),
        ("DateTimeDiff('ms', '2020-01-01T00:00:00Z', '2020-01-01T00:00:01.5Z')", 1500),
        ("DateTimeFromParts(2020, 9, 4)", "2020-09-04T00:00:00.0000000Z"),
        ("DateTimeFromParts(2020, 9, 4, 10, 52, 12, 3456789)", "2020-09-04T10:52:12.3456789Z"),
        ("DateTimeFromParts(2020, 13, 4)", UNDEF),
        ("DateTimePart('ms', '2016-05-29T08:30:00.1301617Z')", 130),
        ("DateTimePart('mcs', '2016-05-29T08:30:00.1301617Z')", 130161),
        ("DateTimePart('ns', '2016-05-29T08:30:00.1301617Z')", 130161700),
        ("DateTimePart('dd', '2016-05-29T08:30:00.1301617Z')", 29),
        ("DateTimeToTicks('1970-01-01T00:00:01.0000001Z')", 10000001),
        ("DateTimeToTimestamp('2020-07-09T23:20:13.4575530Z')", 1594336813457),
        ("TicksToDateTime(15943368134575530)", "2020-07-09T23:20:13.4575530Z"),
        ("TimestampToDateTime(1594336813457)", "2020-07-09T23:20:13.4570000Z"),
        ("DateTimeBin('2021-06-28T17:24:29.2991234Z', 'hh')", "2021-06-28T17:00:00.0000000Z"),
        ("DateTimeBin('2021-06-28T17:24:29.2991234Z', 'dd', 7)", "2021-06-24T00:00:00.0000000Z"),
        ("DateTimeBin('2021-06-28T17:24:29.2991234Z', 'mm', 1, '2021-01-01T00:00:00Z')",
         "2021-06-01T00:00:00.0000000Z"),
        ("DateTimeAdd('dd', 1, 'not a date')", UNDEF),
    ])
    assert value("GetCurrentDateTime()").endswith("Z")
    assert isinstance(value("GetCurrentTicks()"), int)
    static = prepare("SELECT VALUE GetCurrentTicksStatic() FROM c").run([{}, {}, {}])
    assert len(set(static)) == 1


def test_spatial():
    seattle = '{"type": "Point", "coordinates": [-122.3295, 47.60357]}'
    portland = '{"type": "Point", "coordinates": [-122.6765, 45.5231]}'
    square = '{"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]}'
    inner = '{"type": "Point", "coordinates": [5, 5]}'
    outer = '{"type": "Point", "coordinates": [15, 5]}'
    line = '{"type": "LineString", "coordinates": [[-5, 5], [5, 5]]}'
    distance = value(f"ST_DISTANCE({seattle}, {portland})")
    assert 232_700 < distance < 232_900  # geodesic on the WGS-84 ellipsoid (a sphere would give ~232.85 km)
    one_degree = value('ST_DISTANCE({"type": "Point", "coordinates": [0, 0]}, {"type": "Point", "coordinates": [1, 0]})')
    assert abs(one_degree - 111_319.49) < 0.1  # one degree of longitude on the equator
    assert value(f"ST_DISTANCE({seattle}, {seattle})") == 0
    assert value(f"ST_WITHIN({inner}, {square})") is True
    assert value(f"ST_WITHIN({outer}, {square})") is False
    assert value(f"ST_INTERSECTS({line}, {square})") is True
    assert value(f"ST_INTERSECTS({outer}, {square})") is False
    assert value(f"ST_ISVALID({square})") is True
    assert value('ST_ISVALID({"type": "Point", "coordinates": [31.9, -4.8, 5]})') is True
    assert value('ST_ISVALID({"type": "Point", "coordinates": [200, 0]})') is False
    detailed = value('ST_ISVALIDDETAILED({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]})')
    assert detailed["valid"] is False and "four positions" in detailed["reason"]
    assert value("ST_DISTANCE('x', {})") == UNDEF
    area = value(f"ST_AREA({square})")
    assert 1.2e12 < area < 1.25e12


def test_vector_distance():
    check([
        ("VectorDistance([1, 0], [0, 1])", 0), ("VectorDistance([1, 0], [2, 0])", 1.0),
        ('VectorDistance([1, 2], [3, 4], false, {"distanceFunction": "dotproduct"})', 11),
        ('VectorDistance([0, 0], [3, 4], false, {"distanceFunction": "euclidean"})', 5),
        ("VectorDistance([1, 2], [1])", UNDEF),
    ])
    documents = [{"id": "x", "v": [1, 0]}, {"id": "y", "v": [0.7, 0.7]}, {"id": "z", "v": [0, 1]}]
    nearest = prepare("SELECT TOP 2 VALUE c.id FROM c ORDER BY VectorDistance(c.v, [1, 0.1])").run(documents)
    assert nearest == ["x", "y"]
    nearest = prepare('SELECT VALUE c.id FROM c ORDER BY VectorDistance(c.v, [0, 1], false, '
                      '{"distanceFunction": "euclidean"})').run(documents)
    assert nearest == ["z", "y", "x"]


def test_full_text():
    check([
        ("FullTextContains('The quick brown fox', 'quick brown')", True),
        ("FullTextContains('The quick brown fox', 'brown quick')", False),
        ("FullTextContainsAll('The quick brown fox', 'fox', 'THE')", True),
        ("FullTextContainsAll('The quick brown fox', 'fox', 'cat')", False),
        ("FullTextContainsAny('The quick brown fox', 'cat', 'fox')", True),
    ])
    documents = [{"id": "1", "t": "cats and dogs"}, {"id": "2", "t": "dogs dogs dogs"}, {"id": "3", "t": "birds"}]
    ranked = prepare("SELECT VALUE c.id FROM c ORDER BY RANK FullTextScore(c.t, 'dogs')").run(documents)
    assert ranked[:2] == ["2", "1"]


def test_udf_resolution():
    calls = []

    def resolver(name):
        if name == "double":
            return lambda arguments: calls.append(arguments) or arguments[0] * 2
        return None
    assert prepare("SELECT VALUE udf.double(c.n) FROM c", udfs=resolver).run([{"n": 2}, {"n": 5}]) == [4, 10]
    assert calls == [[2], [5]]
    from cosmos_emulator.errors import CosmosError
    with pytest.raises(CosmosError):
        prepare("SELECT VALUE udf.missing(1)", udfs=resolver)
