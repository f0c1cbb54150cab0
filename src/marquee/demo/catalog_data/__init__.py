"""Catalog content of the demo world: genres, companies and titles.

Built from the public facts in PRODUCT.md ("Demo world"). Release dates,
runtimes and classifications of past releases follow the public record where it
is well known and are otherwise left blank; projects still on the slate have no
release date. The three films of ``upcoming_titles`` are fictional and open in
the coming weeks (relative to ``today``) so that pre-sales have something to sell.
"""

from marquee.demo.catalog_data.companies import COMPANIES, GENRES
from marquee.demo.catalog_data.records import STUDIO, CompanyData, GenreData, TitleData
from marquee.demo.catalog_data.titles import CATALOG_TITLES
from marquee.demo.catalog_data.upcoming import generated_titles, upcoming_titles

__all__ = [
    "CATALOG_TITLES",
    "COMPANIES",
    "GENRES",
    "STUDIO",
    "CompanyData",
    "GenreData",
    "TitleData",
    "generated_titles",
    "upcoming_titles",
]
