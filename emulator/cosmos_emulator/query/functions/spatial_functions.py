"""Spatial functions over GeoJSON (``Point``, ``MultiPoint``, ``LineString``, ``MultiLineString``,
``Polygon``, ``MultiPolygon``) in the Geography (WGS-84, longitude/latitude) model.

Distances are geodesic, in metres, on the WGS-84 ellipsoid (Vincenty's inverse formula, with a spherical
fallback where it does not converge). Containment and intersection tests treat edges as straight lines in
longitude/latitude, which matches the service for the small shapes tests use but not for edges spanning
large fractions of the globe.
"""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

from ..values import UNDEFINED, is_number
from .registry import builtin

Coordinate = Tuple[float, float]

_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563
_WGS84_B = _WGS84_A * (1 - _WGS84_F)
_MEAN_RADIUS = 6371008.8


# ----------------------------------------------------------------------------------------------- validation
def _position_problem(position) -> Optional[str]:
    if not isinstance(position, list) or len(position) < 2 or not all(is_number(v) for v in position[:2]):
        return "A position must be an array of at least two numbers."
    longitude, latitude = position[0], position[1]
    if not -180 <= longitude <= 180:
        return f"Longitude values must be between -180 and 180 degrees (got {longitude})."
    if not -90 <= latitude <= 90:
        return f"Latitude values must be between -90 and 90 degrees (got {latitude})."
    return None


def _ring_problem(ring) -> Optional[str]:
    if not isinstance(ring, list) or len(ring) < 4:
        return "A polygon ring must have at least four positions."
    for position in ring:
        problem = _position_problem(position)
        if problem:
            return problem
    if ring[0][:2] != ring[-1][:2]:
        return "The first and last positions of a polygon ring must be the same."
    return None


def geometry_problem(geometry) -> Optional[str]:
    """Why ``geometry`` is not valid GeoJSON for the Geography model, or ``None`` when it is."""
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        return "The input is not a GeoJSON object."
    kind, coordinates = geometry["type"], geometry.get("coordinates")
    if kind == "Point":
        return _position_problem(coordinates)
    if kind in ("MultiPoint", "LineString"):
        if not isinstance(coordinates, list) or (kind == "LineString" and len(coordinates) < 2):
            return f"A {kind} needs an array of positions."
        return next((p for p in map(_position_problem, coordinates) if p), None)
    if kind == "MultiLineString":
        if not isinstance(coordinates, list):
            return "A MultiLineString needs an array of lines."
        return next((geometry_problem({"type": "LineString", "coordinates": line}) for line in coordinates
                     if geometry_problem({"type": "LineString", "coordinates": line})), None)
    if kind == "Polygon":
        if not isinstance(coordinates, list) or not coordinates:
            return "A Polygon needs an array of rings."
        return next((p for p in map(_ring_problem, coordinates) if p), None)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            return "A MultiPolygon needs an array of polygons."
        return next((geometry_problem({"type": "Polygon", "coordinates": polygon}) for polygon in coordinates
                     if geometry_problem({"type": "Polygon", "coordinates": polygon})), None)
    return f"The GeoJSON type '{kind}' is not supported."


# ----------------------------------------------------------------------------------------------- shapes
def _points(geometry) -> List[Coordinate]:
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return [(coordinates[0], coordinates[1])]
    if kind in ("MultiPoint", "LineString"):
        return [(p[0], p[1]) for p in coordinates]
    if kind == "MultiLineString":
        return [(p[0], p[1]) for line in coordinates for p in line]
    if kind == "Polygon":
        return [(p[0], p[1]) for ring in coordinates for p in ring]
    return [(p[0], p[1]) for polygon in coordinates for ring in polygon for p in ring]


def _segments(geometry) -> List[Tuple[Coordinate, Coordinate]]:
    kind, coordinates = geometry["type"], geometry["coordinates"]
    if kind in ("Point", "MultiPoint"):
        return []
    lines = {"LineString": [coordinates], "MultiLineString": coordinates,
             "Polygon": coordinates, "MultiPolygon": [ring for polygon in coordinates for ring in polygon]}[kind]
    return [((a[0], a[1]), (b[0], b[1])) for line in lines for a, b in zip(line, line[1:])]


def _polygons(geometry) -> List[list]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _in_ring(point: Coordinate, ring) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip([(p[0], p[1]) for p in ring], [(p[0], p[1]) for p in ring[1:]]):
        if (y1 > y) != (y2 > y):
            crossing = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < crossing:
                inside = not inside
    return inside


def _in_polygon(point: Coordinate, polygon) -> bool:
    if not _in_ring(point, polygon[0]):
        return False
    return not any(_in_ring(point, hole) for hole in polygon[1:])


def _covered(point: Coordinate, geometry) -> bool:
    return any(_in_polygon(point, polygon) for polygon in _polygons(geometry))


def _orientation(a: Coordinate, b: Coordinate, c: Coordinate) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a: Coordinate, b: Coordinate, c: Coordinate) -> bool:
    return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(a[1], b[1])


def _segments_cross(p1, p2, q1, q2) -> bool:
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 and d2 and d3 and d4:
        return True
    return ((d1 == 0 and _on_segment(q1, q2, p1)) or (d2 == 0 and _on_segment(q1, q2, p2))
            or (d3 == 0 and _on_segment(p1, p2, q1)) or (d4 == 0 and _on_segment(p1, p2, q2)))


def _intersects(first, second) -> bool:
    if any(_covered(point, second) for point in _points(first)):
        return True
    if any(_covered(point, first) for point in _points(second)):
        return True
    for p1, p2 in _segments(first):
        for q1, q2 in _segments(second):
            if _segments_cross(p1, p2, q1, q2):
                return True
    first_points = set(_points(first)) if first["type"] in ("Point", "MultiPoint") else set()
    second_points = set(_points(second)) if second["type"] in ("Point", "MultiPoint") else set()
    if first_points and second_points:
        return bool(first_points & second_points)
    for point in first_points:
        if any(_orientation(a, b, point) == 0 and _on_segment(a, b, point) for a, b in _segments(second)):
            return True
    for point in second_points:
        if any(_orientation(a, b, point) == 0 and _on_segment(a, b, point) for a, b in _segments(first)):
            return True
    return False


# ----------------------------------------------------------------------------------------------- distance
def geodesic_distance(start: Coordinate, end: Coordinate) -> float:
    """Metres between two longitude/latitude positions on the WGS-84 ellipsoid."""
    if start == end:
        return 0.0
    lon1, lat1 = map(math.radians, start)
    lon2, lat2 = map(math.radians, end)
    u1 = math.atan((1 - _WGS84_F) * math.tan(lat1))
    u2 = math.atan((1 - _WGS84_F) * math.tan(lat2))
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    difference = lon2 - lon1
    lam = difference
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0:
            return 0.0
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha ** 2
        cos_2sigma_m = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = _WGS84_F / 16 * cos2_alpha * (4 + _WGS84_F * (4 - 3 * cos2_alpha))
        previous = lam
        lam = difference + (1 - c) * _WGS84_F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sigma_m + c * cos_sigma * (-1 + 2 * cos_2sigma_m ** 2)))
        if abs(lam - previous) < 1e-12:
            break
    else:
        return _haversine(start, end)
    u_squared = cos2_alpha * (_WGS84_A ** 2 - _WGS84_B ** 2) / _WGS84_B ** 2
    a_coefficient = 1 + u_squared / 16384 * (4096 + u_squared * (-768 + u_squared * (320 - 175 * u_squared)))
    b_coefficient = u_squared / 1024 * (256 + u_squared * (-128 + u_squared * (74 - 47 * u_squared)))
    delta_sigma = b_coefficient * sin_sigma * (cos_2sigma_m + b_coefficient / 4 * (
        cos_sigma * (-1 + 2 * cos_2sigma_m ** 2) - b_coefficient / 6 * cos_2sigma_m * (-3 + 4 * sin_sigma ** 2)
        * (-3 + 4 * cos_2sigma_m ** 2)))
    return _WGS84_B * a_coefficient * (sigma - delta_sigma)


def _haversine(start: Coordinate, end: Coordinate) -> float:
    lon1, lat1 = map(math.radians, start)
    lon2, lat2 = map(math.radians, end)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _MEAN_RADIUS * math.asin(min(1.0, math.sqrt(h)))


def _closest_on_segment(point: Coordinate, a: Coordinate, b: Coordinate) -> Coordinate:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    if not length:
        return a
    t = max(0.0, min(1.0, ((point[0] - a[0]) * dx + (point[1] - a[1]) * dy) / length))
    return (a[0] + t * dx, a[1] + t * dy)


def _distance(first, second) -> float:
    if _intersects(first, second):
        return 0.0
    best = math.inf
    for point in _points(first):
        for other in _points(second):
            best = min(best, geodesic_distance(point, other))
        for a, b in _segments(second):
            best = min(best, geodesic_distance(point, _closest_on_segment(point, a, b)))
    for point in _points(second):
        for a, b in _segments(first):
            best = min(best, geodesic_distance(point, _closest_on_segment(point, a, b)))
    return best


# ----------------------------------------------------------------------------------------------- functions
def _both_valid(first, second) -> bool:
    return geometry_problem(first) is None and geometry_problem(second) is None


@builtin("ST_DISTANCE", 2)
def st_distance(first, second):
    if not _both_valid(first, second):
        return UNDEFINED
    return _distance(first, second)


@builtin("ST_WITHIN", 2)
def st_within(inner, outer):
    if not _both_valid(inner, outer):
        return UNDEFINED
    if outer["type"] not in ("Polygon", "MultiPolygon"):
        return inner["type"] == "Point" and outer["type"] in ("Point", "MultiPoint") \
            and _points(inner)[0] in _points(outer)
    return all(_covered(point, outer) for point in _points(inner))


@builtin("ST_INTERSECTS", 2)
def st_intersects(first, second):
    if not _both_valid(first, second):
        return UNDEFINED
    return _intersects(first, second)


@builtin("ST_ISVALID", 1)
def st_is_valid(geometry):
    return geometry_problem(geometry) is None


@builtin("ST_ISVALIDDETAILED", 1)
def st_is_valid_detailed(geometry):
    problem = geometry_problem(geometry)
    return {"valid": True, "reason": ""} if problem is None else {"valid": False, "reason": problem}


@builtin("ST_AREA", 1)
def st_area(geometry):
    """Square metres of a (multi)polygon on the mean-radius sphere."""
    if geometry_problem(geometry) is not None or geometry["type"] not in ("Polygon", "MultiPolygon"):
        return UNDEFINED
    total = 0.0
    for polygon in _polygons(geometry):
        for index, ring in enumerate(polygon):
            area = abs(_spherical_ring_area(ring))
            total += area if index == 0 else -area
    return total


def _spherical_ring_area(ring) -> float:
    area = 0.0
    for (lon1, lat1), (lon2, lat2) in zip([(p[0], p[1]) for p in ring], [(p[0], p[1]) for p in ring[1:]]):
        area += math.radians(lon2 - lon1) * (2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return area * _MEAN_RADIUS ** 2 / 2
