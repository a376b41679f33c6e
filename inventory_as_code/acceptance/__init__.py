"""The acceptance suite: the contract property test pointed at a real Wix site.

``inventory-as-code acceptance`` (see ``docs/acceptance.md``) runs scenarios
that create, change and delete objects under a prefix of their own through
the tool's library entry points, holds every step to the plan-is-a-contract
property, runs the same steps on an in-process emulator, and reports where
the site answered differently. As Terraform providers' ``TF_ACC`` tests, it
runs against the real service only when a user asks for it; in CI it runs
against ``inventory-as-code emulator serve``, so it never rots.

Module map, in the order a run uses them:

* ``suite``: the run: survey and refusals, the emulator shadow, every
  scenario on both, cleanup (also ``--cleanup`` alone)
* ``scenarios``: the scenarios, as data (one small function each)
* ``runner``: one scenario on one store: plan, apply, check, teardown
* ``contract``: the store snapshot and the difference the plan allows
  (shared with ``tests/properties/test_contract.py``); ``contract_moves`` what
  each refill's move must leave at both ends
* ``recorder``: every call and answer, labelled by scenario, step and phase
* ``compare``: the site against the shadow: status, shape, calls, side effects
* ``site``: what a site holds before the run; deleting by prefix
* ``report``: the JSON report and its readable summary
"""
