"""The ``english`` fixture: the English catalogues installed for one test, the source
language (zh_CN) restored afterwards whatever the test did.  Import it into a test
module: ``from tests.ui.english import english_language  # noqa: F401``."""

from __future__ import annotations

import pytest

from ui import i18n


@pytest.fixture(name="english")
def english_language(qapp):
    assert i18n.install(qapp, "en") == "en"
    try:
        yield qapp
    finally:
        i18n.install(qapp, i18n.SOURCE_LANGUAGE)
