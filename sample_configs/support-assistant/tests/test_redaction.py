"""Personal data is masked before traces leave the assistant (runs in CI on every change)."""

from assistant.tracing import redact

CASES = [
    ("My card 4242 4242 4242 4242 was charged twice", "My card <CREDIT_CARD> was charged twice"),
    ("email me at jane.doe@example.com", "email me at <EMAIL_ADDRESS>"),
    ("call +44 20 7946 0958", "call <PHONE_NUMBER>"),
    ("IBAN DE89 3704 0044 0532 0130 00", "IBAN <IBAN_CODE>"),
]


def test_redaction_masks_personal_data():
    for raw, expected in CASES:
        assert redact(raw) == expected


def test_redaction_keeps_customer_ids_for_deletion_requests():
    assert redact("customer cus_A1b2C3d4E5f6G7") == "customer cus_A1b2C3d4E5f6G7"
