"""A user never retrieves, sees cited or gets an answer from a page they cannot read in Confluence."""

import pytest

from docs_search.testing import ask_as, restricted_fixture_pages


@pytest.mark.parametrize("page", restricted_fixture_pages())
def test_restricted_page_is_never_retrieved_for_outsiders(page):
    answer = ask_as("outsider@acme.example", page.canary_question)
    assert page.id not in answer.retrieved_ids
    assert page.id not in answer.cited_ids
    assert page.canary_phrase not in answer.text
