"""A plugin that fails as it is imported, the way a missing licence or dependency would."""

raise RuntimeError("ACME licence server unreachable")
