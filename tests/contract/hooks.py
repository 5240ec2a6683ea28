"""Schemathesis hooks for tests/test_api_contract.py: the one rule JSON Schema cannot state.

The query language (quotes, parentheses, operators, something searchable) is a grammar, not a schema: a ``q``
that fits the schema may still be a malformed query, and the API then answers 400 naming ``q``. Likewise an
uploaded draft's bytes: a schema can say "a file", not "a report a reader can read", so a 400 naming ``file``
is the answer to a file with no text. Every other 400 to a schema-valid request is a contract failure, as
schemathesis's own positive-data check has it.
"""

import schemathesis
from schemathesis.core.failures import Failure


@schemathesis.check
def accepts_valid_requests_but_malformed_queries(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    try:
        parameter = response.json().get("parameter")
    except ValueError:
        parameter = None
    if parameter in ("q", "file"):
        return None
    raise Failure(
        operation=case.operation.label,
        title="Schema-valid request rejected",
        message=f"A request the schema allows was refused: {response.text[:300]}",
    )
