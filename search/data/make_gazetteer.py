"""Rebuild ``gazetteer.tsv.gz`` from JioNLP's ``china_location.txt``.

JioNLP (https://github.com/dongrixinyu/JioNLP, Apache-2.0) ships a five-level
location dictionary.  We keep the four levels the product needs, one township
per row::

    province  province_alias  city  city_alias  county  county_alias  township

Usage: ``python -m search.data.make_gazetteer path/to/china_location.txt``, or with ``--normalize`` (no
source) to apply :func:`own_name` to the gazetteer as it is.
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
        elif depth == 3 and (row := normalized_row([*province, *city, *county, name])):
            rows.append(row)
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(HEADER)
        out.writelines(sorted(set(rows)))
    return len(rows)


TOWNSHIP_ENDINGS = ("乡", "镇", "街道", "苏木")
# The source's stand-ins for a level a place lacks, which no report or user names: the city above a county its
# province governs directly (仙桃市, 神农架林区, 海南's counties, 新疆's 兵团 cities), the county under a city
# that governs its townships itself (东莞市, 中山市), and townships a county governs directly.
STAND_IN = "直辖行政区划"


def own_city(name: str, alias: str) -> tuple[str, str]:
    """A city's (name, alias), or ("", "") for the source's stand-in where a county has no city above it."""
    return ("", "") if name.endswith(STAND_IN) else (name, alias)


def own_county(name: str, alias: str, city: tuple[str, str]) -> tuple[str, str]:
    """A county's (name, alias); the city's own where the city governs its townships without counties (东莞市's
    towns answer to 东莞市 as others answer to their county)."""
    return city if name.endswith(STAND_IN) else (name, alias)


def own_name(township: str, *parents: tuple[str, str]) -> str:
    """A township's name without the names of its province, city and county that the source writes before
    some (化德县七号镇, 四平市铁东区叶赫满族镇, 芒市勐焕街道): a report calls it 七号镇. A name that is only
    a parent's with an ending (芒市镇) is the township's own."""
    names = [name for name, _ in parents if name]
    stripped = True
    while stripped:
        stripped = False
        for name in names:
            rest = township[len(name) :]
            if township.startswith(name) and rest.endswith(TOWNSHIP_ENDINGS) and rest not in TOWNSHIP_ENDINGS:
                township, stripped = rest, True
    return township


def normalized_row(fields: list[str]) -> str:
    """The row of a township (province, alias, city, alias, county, alias, name) with its own name and no
    stand-in for a level; "" for a stand-in township."""
    if fields[6].endswith(STAND_IN):
        return ""
    city = own_city(*fields[2:4])
    county = own_county(*fields[4:6], city)
    name = own_name(fields[6], tuple(fields[0:2]), city, county)
    return "\t".join((*fields[:2], *city, *county, name)) + "\n"


def normalize(target: Path) -> int:
    """The gazetteer at ``target`` with every township under its own name (:func:`own_name`) and no stand-in
    for a level (:func:`own_city`, :func:`own_county`); the count of rows changed or left out."""
    with gzip.open(target, "rt", encoding="utf-8") as rows:
        header, *lines = rows.read().splitlines()
    changed, rows_out = 0, set()
    for line in lines:
        row = normalized_row(line.split("\t"))
        changed += row != line + "\n"
        if row:
            rows_out.add(row)
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(header + "\n")
        out.writelines(sorted(rows_out))
    return changed


if __name__ == "__main__":
    GAZETTEER = Path(__file__).with_name("gazetteer.tsv.gz")
    if sys.argv[1:] == ["--normalize"]:
        print(f"{normalize(GAZETTEER)} rows given their own names, no stand-ins or left out")
    else:
        print(f"{convert(Path(sys.argv[1]), GAZETTEER)} townships written")
