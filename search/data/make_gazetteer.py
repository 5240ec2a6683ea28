"""Rebuild ``gazetteer.tsv.gz`` from JioNLP's ``china_location.txt``.

JioNLP (https://github.com/dongrixinyu/JioNLP, Apache-2.0) ships a five-level
location dictionary.  We keep the four levels the product needs, one township
per row::

    province  province_alias  city  city_alias  county  county_alias  township

Usage: ``python -m search.data.make_gazetteer path/to/china_location.txt``
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

HEADER = "province\tprovince_alias\tcity\tcity_alias\tcounty\tcounty_alias\ttownship\n"


def convert(source: Path, target: Path) -> int:
    rows: list[str] = []
    province = city = county = ("", "")
    for raw in source.read_text(encoding="utf-8").splitlines():
        depth = len(raw) - len(raw.lstrip("\t"))
        parts = raw.strip().split("\t")
        name, alias = parts[0], (parts[-1] if len(parts) >= 3 else "")
        if depth == 0:
            province = (name, alias)
        elif depth == 1:
            city = (name, alias)
        elif depth == 2:
            county = (name, alias)
        elif depth == 3:
            rows.append("\t".join((*province, *city, *county, name)) + "\n")
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(HEADER)
        out.writelines(sorted(set(rows)))
    return len(rows)


if __name__ == "__main__":
    count = convert(Path(sys.argv[1]), Path(__file__).with_name("gazetteer.tsv.gz"))
    print(f"{count} townships written")
