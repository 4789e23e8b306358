"""Scoring logs keep account ids and features, never contact details."""

from churn_scoring.logging import log_record


def test_contact_fields_are_dropped_from_score_logs():
    record = log_record({"account_id": "acc_0a1b2c3d4e5f", "billing_email": "ap@customer.example", "tenure_months": 14}, score=0.71)
    assert "billing_email" not in record["features"]
    assert record["account_id"] == "acc_0a1b2c3d4e5f"
