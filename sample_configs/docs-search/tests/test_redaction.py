"""Questions are masked before they are traced: emails, phone numbers, tokens and keys."""

from docs_search.tracing import redact


def test_masks_contact_details_and_credentials():
    assert redact("ping jane.doe@acme.example or +1 415 555 0100") == "ping <EMAIL_ADDRESS> or <PHONE_NUMBER>"
    assert redact("token ghp_16C7e42F292c6912E7710c838347Ae178B4a") == "token <SECRET>"
