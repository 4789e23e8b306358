"""Ticket text is masked before tracing: emails, phone numbers, card numbers, street addresses."""

from refund_agent.tracing import redact


def test_masks_contact_and_card_data():
    text = "Refund to card 5555 4444 3333 1111, I'm at 12 Baker St, call 0151 496 0000"
    assert redact(text) == "Refund to card <CREDIT_CARD>, I'm at <ADDRESS>, call <PHONE_NUMBER>"
