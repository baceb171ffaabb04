"""Rebuild ``departements.geojson`` (the outlines the HTML report draws) from the ANCT source file.

Developer tool, not used at run time. It needs shapely >= 2.1 (``pip install shapely``)::

    python plugins/fsaudit_html/data/make_outlines.py geom_dep.geojson

The source is ``data/geom_dep.geojson`` of the ANCT repository anct-carto/france_services
(Licence Ouverte 2.0). The outlines are simplified as one coverage (shared borders stay shared:
no gap or overlap appears between neighbouring départements) with a tolerance of 0.01 degree
(about 1 km), then rounded to 3 decimals (about 100 m): 49,628 points become about 18,000, and
the file shrinks from 1 MB to about 0.3 MB.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TOLERANCE = 0.01
DECIMALS = 3
ATTRIBUTION = "Contours des départements : ANCT (anct-carto/france_services), Licence Ouverte 2.0"


def _rounded(value: object) -> object:
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, list | tuple):
        out = [_rounded(v) for v in value]
        # Rounding can make two consecutive points equal: keep one.
        if out and isinstance(out[0], list) and out[0] and isinstance(out[0][0], float):
            out = [p for i, p in enumerate(out) if i == 0 or p != out[i - 1]]
        return out
    return value


def main(source: str) -> None:
    import shapely
    from shapely.geometry import mapping, shape

    data = json.loads(Path(source).read_text(encoding="utf-8"))
    features = sorted(data["features"], key=lambda f: f["properties"]["insee_dep"])
    simplified = shapely.coverage_simplify([shape(f["geometry"]) for f in features], TOLERANCE)
    out = {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "insee_dep": f["properties"]["insee_dep"],
                    "lib_dep": f["properties"]["lib_dep"],
                },
                "geometry": _rounded(mapping(geometry)),
            }
            for f, geometry in zip(features, simplified, strict=True)
        ],
    }
    target = Path(__file__).with_name("departements.geojson")
    target.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
