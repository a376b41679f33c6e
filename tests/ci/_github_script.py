"""One stand-in for actions/github-script: a workflow's script run under node.

The script gets fake ``github``/``context``/``core`` objects, as the action
passes them. ``github.rest`` answers every endpoint the recipes call from the
scenario's ``responses`` (by the name below); an answer ``{"status": N}`` is
an HTTP error N. Every call is recorded, in order, in the result's ``calls``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ._workflows import TIMEOUT

HARNESS = r"""
const fs = require('fs');
const [scriptFile, scenarioFile] = process.argv.slice(2);
const scenario = JSON.parse(fs.readFileSync(scenarioFile, 'utf8'));
const calls = [];
const result = { calls, outputs: {}, failed: null, logs: [] };
const core = {
  info: (m) => result.logs.push(m),
  warning: (m) => result.logs.push('warning: ' + m),
  setFailed: (m) => { result.failed = m; },
  setOutput: (k, v) => { result.outputs[k] = v; },
};
const endpoint = (name) => async (params) => {
  calls.push({ name, params });
  if (!(name in scenario.responses)) throw new Error('unexpected call ' + name);
  const answer = scenario.responses[name];
  if (answer && !Array.isArray(answer) && answer.status) {
    const error = new Error('HTTP ' + answer.status);
    error.status = answer.status;
    throw error;
  }
  return { data: answer };
};
const issues = ['listComments', 'createComment', 'updateComment',
                'listForRepo', 'create', 'update', 'getLabel', 'createLabel'];
const github = {
  rest: {
    issues: Object.fromEntries(issues.map((n) => [n, endpoint(n)])),
    repos: { listPullRequestsAssociatedWithCommit: endpoint('listPulls') },
    actions: { listWorkflowRuns: endpoint('listWorkflowRuns'),
               listWorkflowRunArtifacts: endpoint('listArtifacts') },
  },
  // Like octokit's paginate: the items of every page (one page here).
  paginate: async (fn, params) => (await fn(params)).data,
};
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
const run = new AsyncFunction('require', 'github', 'context', 'core', 'process',
                              fs.readFileSync(scriptFile, 'utf8'));
run(require, github, scenario.context, core, process)
  .then(() => console.log(JSON.stringify(result)))
  .catch((e) => { console.error(e); process.exit(1); });
"""


def run_script(
    work: Path,
    script: str,
    context: Mapping[str, Any],
    responses: Mapping[str, Any],
    env: Mapping[str, str],
) -> dict[str, Any]:
    """What ``script`` did (calls, outputs, failure, logs), run in folder ``work``."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    (work / "script.js").write_text(script, encoding="utf-8")
    (work / "harness.js").write_text(HARNESS, encoding="utf-8")
    (work / "scenario.json").write_text(
        json.dumps({"context": context, "responses": responses}), encoding="utf-8"
    )
    done = subprocess.run(
        [node, "harness.js", "script.js", "scenario.json"],
        cwd=work,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]
