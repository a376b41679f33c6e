"""Plan and apply every site of a fleet in one process, concurrently, each on its own.

Each site runs in a thread of its own (the client is synchronous httpx; the
work is waiting on Wix, whose rate limit is per site): its own client with
its own rate limiter (``[sites.NAME] requests_per_minute``), its own embedded
store for ``local = true``, its own YAML (the shared catalogue, parsed once
and only read, with the site's overlay: :class:`~..config.loader.Catalogue`).
Nothing is shared between sites that one could spoil for another, and every
failure of a site (its YAML, its credentials, Wix, a refusal, a bug) becomes
that site's outcome: the others run to their end. Nothing here prints; the
caller is told as each site finishes (``on_done``, in the calling thread).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from inventory_as_code.apply.report import ApplyReport
from inventory_as_code.config.loader import Catalogue, state_of
from inventory_as_code.errors import ConfigError, InventoryAsCodeError
from inventory_as_code.fleet.outcome import Outcome, SiteResult
from inventory_as_code.fleet.saved import IndexEntry
from inventory_as_code.live.place import Refresh
from inventory_as_code.model import DesiredState
from inventory_as_code.plan.binding import (
    SavedPlanRefused,
    binding_notes,
    bound_to,
    check_made_for,
)
from inventory_as_code.plan.feasibility import PlanRefused
from inventory_as_code.plan.guard_rails import blocking_rails
from inventory_as_code.plan.model import Plan
from inventory_as_code.plan.render_markdown import GITHUB_COMMENT_LIMIT, code_span, render_markdown
from inventory_as_code.plan.render_text import summary_line
from inventory_as_code.plan.saved import (
    PLAN_KEY_ENV,
    PlanFileError,
    is_signed,
    plan_key,
    read_plan_file,
)
from inventory_as_code.plan.saved_digest import SavedChange, digest
from inventory_as_code.rules.evaluate import blocking_rules, with_rules
from inventory_as_code.rules.load import load_rules
from inventory_as_code.rules.spec import Rule
from inventory_as_code.selection import changed_since as changed_since_selection
from inventory_as_code.site import SiteSettings, Target, connect, load_guard_rails
from inventory_as_code.wix import WixClient
from inventory_as_code.workflow import (
    apply_plan,
    plan_project,
    replan_for_saved,
    require_catalog_v3,
)

# A site's plan in the report's Markdown is at least this long, however many sites share
# the comment: shorter, a plan says little more than its counts.
MIN_SITE_MARKDOWN = 3_000
DEFAULT_JOBS = 8


@dataclass(frozen=True, slots=True)
class FleetOptions:
    """What every site's plan (and apply) is made with."""

    targets: tuple[str, ...] = ()
    changed_since: str | None = None
    refresh: Refresh = "full"
    markdown_limit: int = GITHUB_COMMENT_LIMIT
    force: bool = False
    all_or_nothing: bool = False
    check_after: bool = True


@dataclass(slots=True)
class SiteRun:
    """One site's run: its report entry, and what the run holds while it lasts."""

    settings: SiteSettings
    result: SiteResult
    plan: Plan | None = None
    client: WixClient | None = None
    target: Target | None = None
    report: ApplyReport | None = None
    skipped: tuple[SavedChange, ...] = ()
    started: float = field(default_factory=time.monotonic)
    keep: bool = False  # the client stays open for the apply that follows the plan

    @property
    def name(self) -> str:
        return self.settings.name

    def close(self) -> None:
        self.keep = False
        if self.client is not None:
            self.result.calls = self.client.stats.total
            self.client.close()
            self.client = None


class Fleet:
    """The sites of one run of ``project``; ``jobs`` of them at a time."""

    def __init__(
        self,
        project: Path,
        sites: Iterable[SiteSettings],
        *,
        jobs: int = DEFAULT_JOBS,
        on_done: Callable[[SiteRun], None] | None = None,
    ) -> None:
        self.project = project
        self.sites = list(sites)
        self.jobs = max(1, jobs)
        self.on_done = on_done
        self.catalogue = Catalogue(project)

    # --- the three runs ------------------------------------------------------------------

    def plan(self, options: FleetOptions, *, keep_open: bool = False) -> list[SiteRun]:
        """Every site planned; with ``keep_open`` each keeps its client for :meth:`apply`."""
        limit = options.markdown_limit
        return self._each(lambda run: self._plan(run, options, limit, keep_open))

    def apply(self, runs: list[SiteRun], options: FleetOptions) -> list[SiteRun]:
        """Apply the plans of :meth:`plan` (made with ``keep_open``), every site at once."""
        for run in runs:
            run.started = time.monotonic()
        return self._each(lambda run: self._apply(run, options), runs)

    @staticmethod
    def close(runs: Iterable[SiteRun]) -> None:
        """Let go of the sites' clients (the plans were not applied)."""
        for run in runs:
            run.close()

    def plan_and_apply(self, options: FleetOptions) -> list[SiteRun]:
        """Each site planned and applied right away (no one to ask: ``--auto-approve``)."""
        limit = options.markdown_limit

        def both(run: SiteRun) -> None:
            self._plan(run, options, limit, keep_open=True)
            self._apply(run, options)

        return self._each(both)

    def apply_saved(
        self, folder: Path, entries: dict[str, IndexEntry], options: FleetOptions
    ) -> list[SiteRun]:
        """Each site's saved plan of ``folder``, bound and applied as ``apply FILE`` does."""

        def saved(run: SiteRun) -> None:
            entry = entries.get(run.name)
            if entry is not None and not entry.file:
                self._without_plan(run, entry)
                return
            if self._bind(run, folder, entry, options):
                self._apply(run, options)

        return self._each(saved)

    # --- running -------------------------------------------------------------------------

    def _each(
        self, work: Callable[[SiteRun], None], runs: list[SiteRun] | None = None
    ) -> list[SiteRun]:
        if runs is None:
            runs = [SiteRun(s, SiteResult(s.name, Outcome.NO_CHANGES)) for s in self.sites]
        if not runs:
            return runs
        with ThreadPoolExecutor(
            max_workers=min(self.jobs, len(runs)), thread_name_prefix="site"
        ) as pool:
            futures = {pool.submit(self._guarded, work, run): run for run in runs}
            for future in as_completed(futures):
                run = futures[future]
                future.result()  # _guarded never raises
                if self.on_done is not None:
                    self.on_done(run)
        return runs

    def _guarded(self, work: Callable[[SiteRun], None], run: SiteRun) -> None:
        """The site's work; whatever it raises is the site's outcome, never the fleet's."""
        try:
            work(run)
        except InventoryAsCodeError as exc:
            _fail(run, str(exc))
            run.close()
        except Exception as exc:  # a bug: this site's, and said as one
            _fail(
                run,
                f"internal error in inventory-as-code ({type(exc).__name__}: {exc}). This is "
                "a bug, not a problem of the site; the other sites were not affected. "
                "`inventory-as-code plan --site NAME` shows what the store holds now.",
            )
            run.close()
        finally:
            run.result.seconds = time.monotonic() - run.started
            if not run.keep:
                run.close()

    # --- one site ------------------------------------------------------------------------

    def _desired(self, run: SiteRun) -> DesiredState | None:
        """The site's YAML: the catalogue with its overlay; None (reported) on problems."""
        try:
            return state_of(self.catalogue.check(run.name))
        except ConfigError as exc:
            _fail(
                run,
                f"{len(exc.problems)} problem(s) in the YAML of site {run.name}; run "
                "`inventory-as-code validate`.",
                tuple(str(p.under(self.project)) for p in exc.problems),
            )
            return None

    def _connect(self, run: SiteRun) -> WixClient:
        client, target = connect(self.project, run.name)
        run.client, run.target = client, target
        run.result.site_id = target.site_id
        return client

    def _plan(self, run: SiteRun, options: FleetOptions, limit: int, keep_open: bool) -> None:
        result = run.result
        selection = None
        if options.changed_since is not None:
            selection = changed_since_selection(self.project, options.changed_since, run.name)
            if selection.nothing:
                result.outcome = Outcome.UNTOUCHED
                result.message = f"nothing of this site's YAML changed ({selection.why})"
                return
        desired = self._desired(run)
        if desired is None:
            return
        rules = self._rules(run)
        if rules is None:
            return
        client = self._connect(run)
        assert run.target is not None
        try:
            plan, _ = plan_project(
                client,
                self.project,
                site_id=run.target.site_id,
                guard_rails=load_guard_rails(self.project, run.settings),
                targets=options.targets,
                metadata={"embedded": run.target.embedded, "site_name": run.name},
                desired=desired,
                changed_since=options.changed_since,
                refresh=options.refresh,
                store=run.target.store,
                overlay_site=run.name,
                selection=selection,
                rules=rules,
            )
        except PlanRefused as exc:
            _fail(
                run,
                f"{len(exc.refusals)} problem(s): apply would fail on these, so there is no "
                "plan. Fix the YAML (or the live store) and plan again.",
                tuple(str(r.under(self.project)) for r in exc.refusals),
            )
            return
        self._planned(run, plan, limit)
        run.keep = keep_open and run.result.outcome in (Outcome.CHANGES, Outcome.RAILS)

    def _rules(self, run: SiteRun) -> tuple[Rule, ...] | None:
        """The project's ``[[rules]]`` (one toml for every site); None, with the site
        failed, when they cannot be compiled: a rule is never skipped."""
        try:
            return load_rules(self.project)
        except ConfigError as exc:
            _fail(
                run,
                f"{len(exc.problems)} problem(s) in the rules of inventory-as-code.toml; "
                "run `inventory-as-code validate`.",
                tuple(str(p.under(self.project)) for p in exc.problems),
            )
            return None

    def _planned(self, run: SiteRun, plan: Plan, limit: int) -> None:
        result = run.result
        run.plan = plan
        summary = plan.summary
        result.summary = summary_line(plan)
        result.counts = {
            "create": summary.create,
            "update": summary.update,
            "delete": summary.delete,
            "unresolved": len(plan.unresolved),
        }
        blocking = blocking_rails(plan)
        trips = blocking_rules(plan)
        result.rails = tuple(f"{r.code} ({r.kind})" if r.kind else r.code for r in blocking)
        result.rails += tuple(f"rule {t.name} ({t.level})" for t in trips)
        result.notes = tuple(note.message for note in plan.notes)
        if blocking or trips:
            result.outcome = Outcome.RAILS
        else:
            result.outcome = Outcome.NO_CHANGES if plan.in_sync else Outcome.CHANGES
        title = f"inventory-as-code plan for site {code_span(run.name)}"
        result.markdown = render_markdown(plan, title=title, limit=max(limit, MIN_SITE_MARKDOWN))

    def _without_plan(self, run: SiteRun, entry: IndexEntry) -> None:
        """A site the saved run planned no file for: untouched then, or failed then."""
        if entry.outcome in (Outcome.UNTOUCHED, Outcome.NO_CHANGES):
            run.result.outcome = Outcome(entry.outcome)
            run.result.message = "the saved plans hold no changes for this site"
            return
        _fail(
            run,
            f"the saved plans hold no plan for this site (its plan ended {entry.outcome}); "
            "nothing applied. Plan it again.",
        )

    def _bind(
        self, run: SiteRun, folder: Path, entry: IndexEntry | None, options: FleetOptions
    ) -> bool:
        """The site's saved plan, bound as ``apply FILE`` binds it; False when refused."""
        if entry is None:
            _fail(
                run,
                f"{folder} holds no plan for this site (it was not planned in that run); "
                "nothing applied.",
            )
            return False
        source = folder / entry.file
        key = plan_key()
        try:
            read, data = read_plan_file(source, key=key)
        except PlanFileError as exc:
            _refuse(run, str(exc))
            return False
        saved, signed = digest(read), is_signed(data)  # what the binding needs of it
        del read, data  # (plan.saved_digest): the rest goes before the YAML is loaded
        if key is None and signed:
            run.result.notes += (
                f"{source} is signed, but {PLAN_KEY_ENV} is not set here, so the signature is "
                "not checked; it is applied only where the checked-out YAML makes the same "
                "changes.",
            )
        client = self._connect(run)
        target = run.target
        assert target is not None
        try:
            check_made_for(saved, str(source), target.site_id, target.name)
            require_catalog_v3(client)
            desired = self._desired(run)
            if desired is None:
                return False
            rails = load_guard_rails(self.project, run.settings)
            rules = self._rules(run)
            if rules is None:
                return False
            fresh, live = replan_for_saved(
                client,
                self.project,
                saved,
                site_id=target.site_id,
                guard_rails=rails,
                desired=desired,
                store=target.store,
            )
            plan, binding = bound_to(
                saved,
                fresh,
                desired,
                live,
                rails,
                source=str(source),
                project=str(self.project),
                site_id=target.site_id,
                site_name=target.name,
            )
            # The rules too are the checked-out project's, on what is executed.
            plan = with_rules(plan, rules, rails.accept)
        except SavedPlanRefused as exc:
            _refuse(run, str(exc))
            return False
        except PlanRefused as exc:
            _fail(
                run,
                f"{len(exc.refusals)} problem(s): the checked-out YAML cannot be applied.",
                tuple(str(r.under(self.project)) for r in exc.refusals),
            )
            return False
        notes = run.result.notes
        self._planned(run, plan, options.markdown_limit)
        run.result.plan_file = str(source)
        run.result.notes = notes + run.result.notes + tuple(binding_notes(binding))
        run.skipped = binding.skipped
        return True

    def _apply(self, run: SiteRun, options: FleetOptions) -> None:
        result, plan, client = run.result, run.plan, run.client
        if plan is None or client is None or result.outcome in (Outcome.ERROR, Outcome.UNTOUCHED):
            return
        try:
            if plan.empty and not run.skipped:
                result.outcome = Outcome.NO_CHANGES
                return
            blocking = blocking_rails(plan)
            if blocking and not options.force:
                names = ", ".join(result.rails)
                _refuse(
                    run,
                    f"the plan trips guard rails that no acceptance covers: {names}; nothing "
                    "applied at this site. If this is intended, accept each rail in "
                    "inventory-as-code.toml in a reviewed change ([[guard_rails.accept]], or "
                    f"[[sites.{run.name}.guard_rails.accept]] for this site only).",
                    tuple(f"{r.code}: {r.message}" for r in blocking),
                )
                return
            trips = blocking_rules(plan, forced=options.force)
            if trips:
                _refuse(
                    run,
                    "the plan trips rules of inventory-as-code.toml: "
                    + ", ".join(f"{t.name} ({t.level})" for t in trips)
                    + "; nothing applied at this site. A soft rule is accepted in a reviewed "
                    'change ([[guard_rails.accept]] with rule = "NAME"); a hard rule never '
                    "applies: correct the YAML.",
                    tuple(f"{t.name}: {t.message}" for t in trips),
                )
                return
            report = apply_plan(
                client,
                plan,
                all_or_nothing=options.all_or_nothing,
                check_after=options.check_after,
                skipped=run.skipped,
            )
            run.report = report
            result.apply = report.to_dict()
            result.outcome = {
                0: Outcome.APPLIED,
                3: Outcome.PARTIAL,
                4: Outcome.REFUSED,
            }.get(report.exit_code, Outcome.ERROR)
            if result.outcome is Outcome.ERROR:
                result.message = "nothing applied: Wix refused the changes (listed in the report)"
        finally:
            run.close()


def _fail(run: SiteRun, message: str, details: tuple[str, ...] = ()) -> None:
    run.result = replace(run.result, outcome=Outcome.ERROR, message=message, details=details)


def _refuse(run: SiteRun, message: str, details: tuple[str, ...] = ()) -> None:
    run.result = replace(run.result, outcome=Outcome.REFUSED, message=message, details=details)
