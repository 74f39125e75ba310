"""API v1 answers its own OpenAPI schema: schemathesis sends generated requests to every public
operation (at most 25 examples each) through the WSGI application, on the real data.

Checked: no server error, status codes, content types and bodies as declared. Not checked: whether
any string the schema allows is accepted (parameters are declared as text and refused with a French
400 when they name nothing, which the schema declares).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Loading the schema reads no data: the module-level load needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# Only the generated examples (hypothesis, at most 25 per operation): the "coverage" phase would add
# dozens of boundary cases per parameter, and the schema's own examples are tested in test_v1.py.
schema.config.phases.coverage.enabled = False
schema.config.phases.examples.enabled = False


@pytest.fixture(autouse=True)
def _wsgi_in_the_test_transaction(real_data):
    # Django's test client does the same: the WSGI handler would otherwise close the connection
    # that holds the test's transaction at the end of every request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_api_v1_answers_its_schema(case):
    # Plain bodies: the WSGI client would hand schemathesis the gzipped bytes of the large files.
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})
