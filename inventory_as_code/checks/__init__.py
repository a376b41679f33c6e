"""Live checks: assertions about the live store that change nothing (Terraform's ``check``).

``reorder``: stock at or below the YAML's ``reorder_point``, shown as warnings
by ``plan`` and reported by ``inventory-as-code check`` (exit 2).
"""
