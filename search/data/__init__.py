"""The data files a user may edit: thesaurus, domain dictionary, topics, report parts, indicators, stopwords,
and the gazetteer of places."""

from pathlib import Path

DATA = Path(__file__).parent
