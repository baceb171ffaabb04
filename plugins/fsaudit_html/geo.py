"""The map of the HTML report: département outlines and structure positions, projected to SVG.

No tile server and no map library: the outlines shipped in ``data/departements.geojson``
(ANCT, Licence Ouverte 2.0, simplified by ``data/make_outlines.py``) are projected once to SVG
paths in a fixed frame, metropolitan France on the right and one inset per overseas
département on the left, as on the ANCT's own maps. A structure is drawn in the frame of its
département when its position falls in it, else in any frame that holds it, else in an extra
inset made for its département (Saint-Martin has structures but no outline): every structure
with coordinates gets a marker.

Projection: equirectangular, longitudes scaled by the cosine of the frame's mean latitude,
which keeps shapes right at the scale of a département. Coordinates are in tenths of an SVG
unit while computing, so that shared borders stay exactly shared after rounding.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from importlib import resources

from attrs import frozen

__all__ = ["MAP_HEIGHT", "MAP_WIDTH", "MapData", "build_map", "departement_names", "outlines_attribution"]

MAP_WIDTH = 1000
MAP_HEIGHT = 780
_METRO = (-5.3, 41.2, 9.7, 51.2)
"""lon min, lat min, lon max, lat max of metropolitan France and Corsica."""
_METRO_BOX = (225.0, 10.0, 770.0, 760.0)
"""x, y, width, height of the metropolitan frame in SVG units."""
_INSET_X, _INSET_W, _INSET_H, _INSET_GAP = 10.0, 200.0, 110.0, 16.0
_METRO_CODES_EXCLUDED = frozenset({"971", "972", "973", "974", "976"})


@frozen
class _Frame:
    key: str
    title: str
    bbox: tuple[float, float, float, float]  # lon/lat
    box: tuple[float, float, float, float]  # x, y, w, h in SVG units
    kx: float
    ky: float
    x0: float
    y0: float

    def project(self, lon: float, lat: float) -> tuple[int, int]:
        """Position in tenths of SVG units."""
        return (
            round((self.x0 + (lon - self.bbox[0]) * self.kx) * 10),
            round((self.y0 + (self.bbox[3] - lat) * self.ky) * 10),
        )

    def holds(self, lon: float, lat: float, margin: float = 0.0) -> bool:
        lon0, lat0, lon1, lat1 = self.bbox
        return lon0 - margin <= lon <= lon1 + margin and lat0 - margin <= lat <= lat1 + margin


def _frame(
    key: str, title: str, bbox: tuple[float, float, float, float], box: tuple[float, float, float, float]
) -> _Frame:
    lon0, lat0, lon1, lat1 = bbox
    cos = math.cos(math.radians((lat0 + lat1) / 2))
    width, height = max((lon1 - lon0) * cos, 1e-6), max(lat1 - lat0, 1e-6)
    scale = min(box[2] / width, box[3] / height)
    x0 = box[0] + (box[2] - width * scale) / 2
    y0 = box[1] + (box[3] - height * scale) / 2
    return _Frame(key, title, bbox, box, scale * cos, scale, x0, y0)


@frozen
class MapData:
    """What the report template draws: outlines, inset frames, markers and zoom boxes."""

    outlines: tuple[tuple[str, str, str], ...]
    """(code, name, SVG path) per département with an outline."""
    insets: tuple[tuple[str, tuple[float, float, float, float]], ...]
    """(title, (x, y, w, h)) of each inset frame."""
    markers: tuple[tuple[float, float] | None, ...]
    """Position of each structure (in the order given), ``None`` without coordinates."""
    zoom: dict[str, tuple[float, float, float, float]]
    """SVG view box (x, y, w, h) of each département code, for the zoom."""
    height: float


@functools.lru_cache(maxsize=1)
def _features() -> tuple[tuple[str, str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """(code, name, rings) of each shipped outline."""
    text = resources.files("fsaudit_html").joinpath("data/departements.geojson").read_text(encoding="utf-8")
    out = []
    for feature in json.loads(text)["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = tuple(tuple((float(x), float(y)) for x, y in ring) for polygon in polygons for ring in polygon)
        out.append((feature["properties"]["insee_dep"], feature["properties"]["lib_dep"], rings))
    return tuple(out)


def departement_names() -> dict[str, str]:
    """``{code: name}`` of the départements with an outline (``"32": "Gers"``)."""
    return {code: name for code, name, _ in _features()}


def outlines_attribution() -> str:
    """The attribution the report shows under the map."""
    text = resources.files("fsaudit_html").joinpath("data/departements.geojson").read_text(encoding="utf-8")
    return str(json.loads(text)["attribution"])


def _bbox(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def _pad(bbox: tuple[float, float, float, float], share: float, minimum: float) -> tuple[float, float, float, float]:
    lon0, lat0, lon1, lat1 = bbox
    dx = max((lon1 - lon0) * share, minimum)
    dy = max((lat1 - lat0) * share, minimum)
    return (lon0 - dx, lat0 - dy, lon1 + dx, lat1 + dy)


def _path(frame: _Frame, rings: Sequence[Sequence[tuple[float, float]]]) -> str:
    """A compact SVG path: relative moves between points rounded to tenths."""
    parts: list[str] = []
    cx = cy = 0
    for ring in rings:
        points = [frame.project(lon, lat) for lon, lat in ring]
        kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(kept) < 3:
            continue
        x, y = kept[0]
        parts.append(f"m{_num(x - cx)} {_num(y - cy)}l")
        steps = []
        for nx, ny in kept[1:]:
            steps.append(f"{_num(nx - x)} {_num(ny - y)}")
            x, y = nx, ny
        parts.append(" ".join(steps))
        parts.append("z")
        cx, cy = kept[0]
    return "".join(parts).replace(" -", "-")


def _num(tenths: int) -> str:
    """Tenths of a unit as the shortest decimal: 12 → 1.2, -5 → -.5, 30 → 3."""
    sign = "-" if tenths < 0 else ""
    whole, rest = divmod(abs(tenths), 10)
    if rest == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{rest}" if whole else f"{sign}.{rest}"


def _view(box: tuple[float, float, float, float], pad: float = 0.08) -> tuple[float, float, float, float]:
    x, y, w, h = box
    side = max(w, h * 1.3, 12.0)
    height = side / 1.3
    cx, cy = x + w / 2, y + h / 2
    side *= 1 + 2 * pad
    height *= 1 + 2 * pad
    return (round(cx - side / 2, 1), round(cy - height / 2, 1), round(side, 1), round(height, 1))


def build_map(positions: Sequence[tuple[str | None, float | None, float | None]]) -> MapData:
    """The map for structures given as (département code, latitude, longitude)."""
    features = _features()
    metro = _frame("metro", "France métropolitaine", _METRO, _METRO_BOX)
    frames: dict[str, _Frame] = {}
    insets: list[tuple[str, str, tuple[float, float, float, float]]] = []
    for code, name, rings in features:
        if code in _METRO_CODES_EXCLUDED:
            insets.append((code, name, _pad(_bbox(p for ring in rings for p in ring), 0.05, 0.02)))
        else:
            frames[code] = metro
    placed: list[_Frame] = []

    def inset_box() -> tuple[float, float, float, float]:
        index = len(placed)
        return (_INSET_X, 10.0 + index * (_INSET_H + _INSET_GAP) + _INSET_GAP, _INSET_W, _INSET_H)

    for code, name, bbox in insets:
        frame = _frame(code, name, bbox, inset_box())
        placed.append(frame)
        frames[code] = frame
    # Structures outside every frame get an inset for their département (or one for the rest).
    strays: dict[str, list[tuple[float, float]]] = {}
    every = [metro, *placed]
    for code, lat, lon in positions:
        if lat is None or lon is None:
            continue
        own = frames.get(code or "")
        if own is not None and own.holds(lon, lat, 0.5):
            continue
        if any(frame.holds(lon, lat) for frame in every):
            continue
        strays.setdefault(code or "autres", []).append((lon, lat))
    from fsaudit import departement_names as territory_names

    names = territory_names()
    for code in sorted(strays):
        # A territory that is no département (Saint-Martin, 978) is named, not called « département ».
        title = f"{code} {names[code]}" if code in names else f"département {code}"
        frame = _frame(
            code,
            title if code != "autres" else "autres positions",
            _pad(_bbox(strays[code]), 0.2, 0.1),
            inset_box(),
        )
        placed.append(frame)
        frames.setdefault(code, frame)
        every.append(frame)
    outlines = tuple((code, name, _path(frames[code], rings)) for code, name, rings in features)
    markers: list[tuple[float, float] | None] = []
    for code, lat, lon in positions:
        if lat is None or lon is None:
            markers.append(None)
            continue
        own = frames.get(code or "")
        if own is None or not own.holds(lon, lat, 0.5):
            own = next((f for f in every if f.holds(lon, lat)), None) or frames[code or "autres"]
        x, y = own.project(lon, lat)
        markers.append((x / 10, y / 10))
    zoom: dict[str, tuple[float, float, float, float]] = {}
    for code, _name, rings in features:
        frame = frames[code]
        points = [frame.project(lon, lat) for ring in rings for lon, lat in ring]
        x0, y0, x1, y1 = _bbox(points)
        zoom[code] = _view((x0 / 10, y0 / 10, (x1 - x0) / 10, (y1 - y0) / 10))
    for frame in placed[len(insets) :]:
        zoom.setdefault(frame.key, _view(frame.box, 0.02))
    height = max(MAP_HEIGHT, max((f.box[1] + f.box[3] + 10 for f in placed), default=0))
    return MapData(
        outlines=outlines,
        insets=tuple((f.title, f.box) for f in placed),
        markers=tuple(markers),
        zoom=zoom,
        height=height,
    )
