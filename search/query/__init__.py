"""Queries: parsing, evaluation over the arrays, ranking, suggestions, the thesaurus, the searcher and presentation."""
