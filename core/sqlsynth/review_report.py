"""The review report: one self-contained HTML page with every spec, its SQL and its lineage.

:func:`build_report` gathers, per spec, what ``sqlsynth check`` sees (review state, findings
of re-validation against today's catalog), the reviewed SQL file and its column lineage;
:func:`render_html` turns that into a page with no network assets at all: inline CSS, inline
JavaScript that lays the lineage graph out as SVG from embedded JSON, and a Content-Security-
Policy that allows exactly those two inline blocks (by hash) and nothing else. Every
user-provided string (prompts, owners, SQL, findings) is HTML-escaped, and the JSON is escaped
for a ``<script>`` data block, so a prompt holding ``<script>`` is text, never markup.

>>> review = ModelReview(name="n", prompt="<b>count</b>", state=ModelState.NOT_GENERATED,
...     status_message="no SQL generated yet")
>>> page = render_html(ReviewReport(project="demo", models=(review,)))
>>> "&lt;b&gt;count&lt;/b&gt;" in page, "<b>count" in page
(True, False)
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from string import Template
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sqlsynth import __version__
from sqlsynth.artifact import Lock, LockEntry, ModelState, read_lock, sql_body, utc_now
from sqlsynth.catalog import Catalog
from sqlsynth.config import Project
from sqlsynth.errors import SqlsynthError, ValidationError
from sqlsynth.fsutil import atomic_write_text
from sqlsynth.lineage import column_lineage
from sqlsynth.pipeline import CheckResult, check, project_catalog
from sqlsynth.spec import NLSpec, load_specs
from sqlsynth.validate import Finding

STATE_LABELS: dict[ModelState, str] = {
    ModelState.FRESH: "approved",
    ModelState.UNREVIEWED: "unreviewed",
    ModelState.EDITED_AFTER_APPROVAL: "edited after approval",
    ModelState.SPEC_CHANGED: "stale: spec changed",
    ModelState.MISSING_FILE: "missing SQL file",
    ModelState.NOT_GENERATED: "not generated",
}


class ModelReview(BaseModel):
    """One spec as a reviewer sees it: the request, the SQL, its state, findings and lineage."""

    model_config = ConfigDict(frozen=True)

    name: str
    prompt: str
    owner: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    state: ModelState
    status_message: str
    hint: str | None = None
    sql_path: str | None = None
    sql_text: str | None = None
    dialect: str | None = None
    translator: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    findings: tuple[Finding, ...] = ()
    reads: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] | None = None
    """Output column → the ``table.column`` inputs it derives from; None without lineage."""
    lineage_problem: str | None = None

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def ok(self) -> bool:
        """What ``sqlsynth check`` calls ok: approved, unchanged since, and still valid."""
        return self.state is ModelState.FRESH and self.valid


class GraphColumn(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    label: str


class GraphBox(BaseModel):
    """A table or a model in the lineage graph, with the columns that take part in it."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: Literal["table", "model"]
    label: str
    layer: int
    state: str | None = None
    columns: tuple[GraphColumn, ...] = ()


class GraphEdge(BaseModel):
    """``column``: an input column feeds an output column; ``reads``: a model reads a table
    (drawn only when none of the table's columns feeds an output, e.g. ``count(*)``)."""

    model_config = ConfigDict(frozen=True)

    source: str
    target: str
    kind: Literal["column", "reads"]


class LineageGraph(BaseModel):
    model_config = ConfigDict(frozen=True)

    boxes: tuple[GraphBox, ...] = ()
    edges: tuple[GraphEdge, ...] = ()


class ReviewReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    project: str
    kind: Literal["sqlsynth", "dbt"] = "sqlsynth"
    generated_at: datetime = Field(default_factory=utc_now)
    models: tuple[ModelReview, ...] = ()

    def state_counts(self) -> dict[ModelState, int]:
        counts = dict.fromkeys(ModelState, 0)
        for model in self.models:
            counts[model.state] += 1
        return {state: n for state, n in counts.items() if n}


def review_model(
    spec: NLSpec,
    result: CheckResult,
    entry: LockEntry | None,
    *,
    root: Path,
    catalog: Catalog,
    sql_of: Callable[[str], str] = sql_body,
) -> ModelReview:
    """What the report shows of one spec, from its check result and its SQL file."""
    sql_path = root / entry.sql_path if entry else None
    sql_text = sql_path.read_text("utf-8") if sql_path and sql_path.is_file() else None
    reads: tuple[str, ...] = ()
    columns: dict[str, tuple[str, ...]] | None = None
    problem = None
    if sql_text is not None and entry is not None:
        try:
            found = column_lineage(sql_of(sql_text), catalog, dialect=entry.dialect)
        except ValidationError as error:
            problem = error.one_line()
        else:
            reads = found.inputs
            columns = {
                name: tuple(f"{f.name}.{f.field}" for f in fields)
                for name, fields in found.columns.items()
            }
    elif entry is None:
        problem = "no SQL generated yet"
    else:
        problem = f"{entry.sql_path} is missing"
    review = entry.review if entry else None
    return ModelReview(
        name=spec.name,
        prompt=spec.prompt,
        owner=spec.owner,
        description=spec.description,
        tags=spec.tags,
        sources=spec.sources,
        state=result.status.state,
        status_message=result.status.message,
        hint=result.status.hint,
        sql_path=entry.sql_path if entry else None,
        sql_text=sql_text,
        dialect=entry.dialect if entry else None,
        translator=f"{entry.translator} {entry.translator_version}" if entry else None,
        reviewed_by=review.reviewed_by if review else None,
        reviewed_at=review.reviewed_at if review else None,
        findings=result.report.findings if result.report else (),
        reads=reads,
        columns=columns,
        lineage_problem=problem,
    )


def build_report(
    project_name: str,
    specs: Sequence[NLSpec],
    results: Sequence[CheckResult],
    lock: Lock,
    *,
    root: Path,
    catalog: Catalog,
    sql_of: Callable[[str], str] = sql_body,
    kind: Literal["sqlsynth", "dbt"] = "sqlsynth",
) -> ReviewReport:
    """The report of ``specs``, given what :func:`sqlsynth.pipeline.check` found for each.

    Integrations pass their own ``lock`` and ``sql_of`` as they do to ``check``.
    """
    models = tuple(
        review_model(
            spec, result, lock.models.get(spec.name), root=root, catalog=catalog, sql_of=sql_of
        )
        for spec, result in zip(specs, results, strict=True)
    )
    return ReviewReport(project=project_name, kind=kind, generated_at=utc_now(), models=models)


def project_report(project: Project) -> ReviewReport:
    """The report of every spec of a sqlsynth project, checked as ``sqlsynth check`` does."""
    specs = load_specs(project.specs_dir)
    catalog = project_catalog(project)
    results = check(project, specs, catalog=catalog)
    lock = read_lock(project.lock_path)
    return build_report(project.root.name, specs, results, lock, root=project.root, catalog=catalog)


def dbt_project_report(root: Path) -> ReviewReport:
    """The report of every model sqlsynth generated in the dbt project at ``root``.

    The schema is read through dbt, as ``sqlsynth check`` does there; the SQL shown is the
    model file with its ``ref()`` calls, its lineage is computed on the resolved SQL.
    """
    # dbt is an optional extra: load the integration only for dbt projects.
    from sqlsynth_dbt.cli import relations_for
    from sqlsynth_dbt.context import dbt_catalog
    from sqlsynth_dbt.jinja import to_plain_sql
    from sqlsynth_dbt.pipeline import check as dbt_check
    from sqlsynth_dbt.project import DbtProject
    from sqlsynth_dbt.runner import DbtOptions, gather_context

    project = DbtProject(root)
    models = list(project.generated_models().values())
    specs = [m.spec for m in models]
    lock = Lock(models={m.spec.name: m.entry for m in models})
    if not models:
        return ReviewReport(project=project.name, kind="dbt")
    context = gather_context(project.root, relations=relations_for(specs), options=DbtOptions())
    catalog = dbt_catalog(context)

    def plain_sql(text: str) -> str:
        return to_plain_sql(sql_body(text), catalog.name_of, where="a generated dbt model")

    return build_report(
        project.name,
        specs,
        dbt_check(project, models, context=context),
        lock,
        root=project.sqlsynth.root,
        catalog=catalog.catalog,
        sql_of=plain_sql,
        kind="dbt",
    )


def lineage_graph(models: Sequence[ModelReview]) -> LineageGraph:
    """Tables and models as boxes, laid out in layers; edges from input to output columns.

    A model that reads another model (dbt ``ref()``) links to that model's box, so lineage
    reads across specs; tables every model reads are one box each.

    >>> graph = lineage_graph([ModelReview(name="m", prompt="p", state=ModelState.FRESH,
    ...     status_message="ok", reads=("t",), columns={"x": ("t.a",)})])
    >>> [(b.id, b.layer, [c.id for c in b.columns]) for b in graph.boxes]
    [('model:m', 1, ['model:m.x']), ('table:t', 0, ['table:t.a'])]
    >>> [(e.source, e.target) for e in graph.edges]
    [('table:t.a', 'model:m.x')]
    """
    drawn = {m.name.lower(): m for m in models if m.columns is not None}

    def box_id(name: str) -> str:
        key = name.lower()
        return f"model:{key}" if key in drawn else f"table:{key}"

    def column_id(table: str, column: str) -> str:
        return f"{box_id(table)}.{column}"

    columns: dict[str, dict[str, GraphColumn]] = {}
    labels: dict[str, str] = {}
    inputs: dict[str, set[str]] = {}
    edges: list[GraphEdge] = []
    for model in drawn.values():
        own = box_id(model.name)
        labels[own] = model.name
        outputs = columns.setdefault(own, {})
        inputs[own] = set()
        fed: set[str] = set()
        for output, sources in (model.columns or {}).items():
            outputs.setdefault(output, GraphColumn(id=f"{own}.{output}", label=output))
            for source in sources:
                table, _, field = source.rpartition(".")
                source_box = box_id(table)
                labels.setdefault(source_box, table)
                columns.setdefault(source_box, {}).setdefault(
                    field, GraphColumn(id=column_id(table, field), label=field)
                )
                inputs[own].add(source_box)
                fed.add(source_box)
                edges.append(
                    GraphEdge(
                        source=column_id(table, field), target=f"{own}.{output}", kind="column"
                    )
                )
        for table in model.reads:
            source_box = box_id(table)
            labels.setdefault(source_box, table)
            columns.setdefault(source_box, {})
            inputs[own].add(source_box)
            if source_box not in fed:
                edges.append(GraphEdge(source=source_box, target=own, kind="reads"))

    layers: dict[str, int] = {}

    def layer(box: str, seen: frozenset[str] = frozenset()) -> int:
        if box not in layers:
            upstream = [b for b in inputs.get(box, ()) if b not in seen]
            layers[box] = (
                1 + max((layer(b, seen | {box}) for b in upstream), default=0)
                if box in inputs
                else 0
            )
        return layers[box]

    boxes = tuple(
        GraphBox(
            id=box,
            kind="model" if box.startswith("model:") else "table",
            label=labels[box],
            layer=layer(box),
            state=drawn[box.removeprefix("model:")].state.value
            if box.startswith("model:")
            else None,
            columns=tuple(columns[box].values()),
        )
        for box in sorted(columns)
    )
    unique_edges = tuple(dict.fromkeys(edges))
    return LineageGraph(boxes=boxes, edges=unique_edges)


def write_report(report: ReviewReport, path: Path) -> int:
    """Write the report's HTML to ``path`` atomically; returns its size in bytes."""
    text = render_html(report)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise SqlsynthError(
            f"could not write the report to {path}: {exc.strerror or exc}",
            hint="pass --output a path in a folder you can write to",
        ) from exc
    return len(text.encode("utf-8"))


# --------------------------------------------------------------------------------------------
# HTML. A small stdlib template: jinja2 is not a core dependency.
# --------------------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _script_json(data: object) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` left."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


_CSS = """
:root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #f6f8fa;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --info: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--fg); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 0; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.muted { color: var(--muted); }
code, pre { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 16px 0; padding: 0; list-style: none; }
.summary li { padding: 6px 12px; border: 1px solid var(--line); border-radius: 6px; }
.toc { columns: 3; padding-left: 18px; }
.badge { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 13px;
  font-weight: 600; color: #fff; background: var(--muted); vertical-align: middle; }
.state-fresh { --state: var(--ok); }
.state-unreviewed, .state-edited-after-approval { --state: var(--warn); }
.state-spec-changed, .state-missing-file, .state-not-generated { --state: var(--bad); }
.badge.state { background: var(--state); }
.badge.invalid { background: var(--bad); }
.model { border: 1px solid var(--line); border-left: 6px solid var(--state);
  border-radius: 8px; padding: 16px 20px; margin: 20px 0; }
.model.invalid { border-left-color: var(--bad); }
.model > header { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 10px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
blockquote.prompt { margin: 8px 0; padding: 8px 14px; background: var(--bg);
  border-left: 4px solid var(--info); white-space: pre-wrap; overflow-wrap: anywhere; }
.status { margin: 6px 0; }
ul.findings { list-style: none; padding: 0; margin: 6px 0; }
ul.findings li { padding: 6px 10px; margin: 4px 0; border-radius: 6px; background: var(--bg); }
ul.findings li.error { border-left: 4px solid var(--bad); }
ul.findings li.warning { border-left: 4px solid var(--warn); }
.severity { font-weight: 700; text-transform: uppercase; font-size: 12px; }
li.error .severity { color: var(--bad); }
li.warning .severity { color: var(--warn); }
.hint { display: block; color: var(--muted); }
pre.sql { background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
  padding: 12px 14px; overflow-x: auto; white-space: pre; tab-size: 4; }
table.columns { border-collapse: collapse; }
table.columns td, table.columns th { border-bottom: 1px solid var(--line);
  padding: 3px 12px 3px 0; text-align: left; vertical-align: top; }
#graph-frame { overflow: auto; border: 1px solid var(--line); border-radius: 8px;
  background: var(--bg); }
#lineage-graph { display: block; }
#lineage-graph .box rect.frame { fill: #fff; stroke: #8c959f; }
#lineage-graph .box.table rect.head { fill: #ddf4ff; }
#lineage-graph .box.model rect.head { fill: var(--state, #eaeef2); }
#lineage-graph .box.model text.title { fill: #fff; }
#lineage-graph text { font: 12px system-ui, sans-serif; fill: var(--fg); }
#lineage-graph text.title { font-weight: 700; font-size: 13px; }
#lineage-graph .column rect { fill: transparent; }
#lineage-graph .column:hover rect, #lineage-graph .column.active rect { fill: #fff8c5; }
#lineage-graph path.edge { fill: none; stroke: #8c959f; stroke-width: 1.4; }
#lineage-graph path.edge.reads { stroke-dasharray: 5 4; }
#lineage-graph path.edge.active { stroke: var(--info); stroke-width: 2.6; }
#lineage-graph a { cursor: pointer; }
.legend { margin: 6px 0 0; font-size: 13px; }
"""

_JS = """
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var BOX_W = 230, HEAD_H = 28, ROW_H = 22, GAP_X = 150, GAP_Y = 26, PAD = 20;
  var data = JSON.parse(document.getElementById("lineage-data").textContent);
  var svg = document.getElementById("lineage-graph");

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function label(parent, text, x, y, cls) {
    var node = el("text", {x: x, y: y, "class": cls || ""}, parent);
    node.textContent = text;
    // Long names are cut to the box, with an ellipsis; the full name is the tooltip.
    for (var n = text.length - 1; n > 1 && node.getComputedTextLength() > BOX_W - 2 * x; n--) {
      node.textContent = text.slice(0, n) + "\\u2026";
    }
    el("title", {}, node).textContent = text;
    return node;
  }

  var incoming = {};
  data.edges.forEach(function (edge) {
    (incoming[edge.target] = incoming[edge.target] || []).push(edge.source);
  });
  var layers = [];
  data.boxes.forEach(function (box) {
    (layers[box.layer] = layers[box.layer] || []).push(box);
  });

  // Layer by layer; a box sits near the average height of what feeds it (fewer crossings).
  var anchorY = {}, boxOf = {}, height = PAD;
  layers.forEach(function (boxes, layer) {
    boxes.forEach(function (box) {
      var ys = [];
      [box.id].concat(box.columns.map(function (c) { return c.id; })).forEach(function (id) {
        (incoming[id] || []).forEach(function (src) {
          if (src in anchorY) { ys.push(anchorY[src]); }
        });
      });
      box.order = ys.length ? ys.reduce(function (a, b) { return a + b; }, 0) / ys.length : 1e9;
    });
    boxes.sort(function (a, b) { return a.order - b.order || a.label.localeCompare(b.label); });
    var y = PAD;
    boxes.forEach(function (box) {
      box.x = PAD + layer * (BOX_W + GAP_X);
      box.y = y;
      box.h = HEAD_H + box.columns.length * ROW_H;
      anchorY[box.id] = y + HEAD_H / 2;
      boxOf[box.id] = box;
      box.columns.forEach(function (column, i) {
        anchorY[column.id] = y + HEAD_H + i * ROW_H + ROW_H / 2;
        boxOf[column.id] = box;
      });
      y += box.h + GAP_Y;
    });
    height = Math.max(height, y);
  });
  var width = PAD * 2 + layers.length * BOX_W + Math.max(0, layers.length - 1) * GAP_X;
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);

  var edgeLayer = el("g", {"class": "edges"}, svg);
  var edgesByNode = {};
  data.edges.forEach(function (edge) {
    var from = boxOf[edge.source], to = boxOf[edge.target];
    if (!from || !to) { return; }
    var x1 = from.x + BOX_W, y1 = anchorY[edge.source], x2 = to.x, y2 = anchorY[edge.target];
    var bend = (x2 - x1) / 2;
    var path = el("path", {
      "class": "edge " + edge.kind, "data-from": edge.source, "data-to": edge.target,
      "data-kind": edge.kind,
      d: "M" + x1 + "," + y1 + " C" + (x1 + bend) + "," + y1 + " " + (x2 - bend) + "," + y2 +
        " " + x2 + "," + y2
    }, edgeLayer);
    el("title", {}, path).textContent = edge.source.replace(/^\\w+:/, "") + " \\u2192 " +
      edge.target.replace(/^\\w+:/, "");
    [edge.source, edge.target].forEach(function (id) {
      (edgesByNode[id] = edgesByNode[id] || []).push(path);
    });
  });

  function highlight(id, on) {
    (edgesByNode[id] || []).forEach(function (path) { path.classList.toggle("active", on); });
  }
  var boxLayer = el("g", {"class": "boxes"}, svg);
  data.boxes.forEach(function (box) {
    var group = el("g", {
      "class": "box " + box.kind + (box.state ? " state-" + box.state : ""),
      "data-node-id": box.id, "data-kind": box.kind, "data-label": box.label,
      "data-state": box.state || "", transform: "translate(" + box.x + "," + box.y + ")"
    }, boxLayer);
    el("rect", {"class": "frame", width: BOX_W, height: box.h, rx: 6}, group);
    el("rect", {"class": "head", width: BOX_W, height: HEAD_H, rx: 6}, group);
    var head = box.kind === "model" ? el("a", {href: "#model-" + box.label}, group) : group;
    label(head, box.label, 10, 18, "title");
    group.addEventListener("mouseenter", function () { highlight(box.id, true); });
    group.addEventListener("mouseleave", function () { highlight(box.id, false); });
    box.columns.forEach(function (column, i) {
      var row = el("g", {
        "class": "column", "data-node-id": column.id,
        "data-kind": box.kind === "model" ? "output-column" : "column",
        transform: "translate(0," + (HEAD_H + i * ROW_H) + ")"
      }, group);
      el("rect", {width: BOX_W, height: ROW_H}, row);
      label(row, column.label, 14, 15);
      row.addEventListener("mouseenter", function () { highlight(column.id, true); });
      row.addEventListener("mouseleave", function () { highlight(column.id, false); });
    });
  });
  svg.setAttribute("data-rendered", "true");
})();
"""

_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="$csp">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>sqlsynth review: $project</title>
<style>$css</style>
</head>
<body>
<main>
<header>
<h1>Review report: $project</h1>
<p class="muted">$kind project &middot; $total specs &middot; $ok_count fresh and approved
&middot; generated $generated_at by sqlsynth $version</p>
<ul class="summary" id="summary">$summary</ul>
</header>
<nav><ol class="toc">$toc</ol></nav>
<section id="lineage">
<h2>Lineage</h2>
<p class="legend muted">Tables on the left, models to the right of what they read. Solid lines:
an input column feeds an output column; dashed: a model reads a table but none of its columns
(filters, joins, <code>count(*)</code>). Hover a column to follow it.</p>
<div id="graph-frame"><svg id="lineage-graph" xmlns="http://www.w3.org/2000/svg" role="img"
aria-label="Lineage of tables and columns"></svg></div>
<noscript><p>The graph needs JavaScript; each spec below lists its lineage as a table.</p>
</noscript>
</section>
$models
</main>
<script type="application/json" id="lineage-data">$graph_json</script>
<script>$js</script>
</body>
</html>
"""
)


def _summary(report: ReviewReport) -> str:
    chips = [
        f'<li class="state-{state.value}" data-state="{state.value}">'
        f'<span class="badge state">{_e(STATE_LABELS[state])}</span> {count}</li>'
        for state, count in report.state_counts().items()
    ]
    invalid = sum(not m.valid for m in report.models)
    if invalid:
        chips.append(
            f'<li data-state="invalid"><span class="badge invalid">invalid</span> {invalid}</li>'
        )
    return "".join(chips)


def _facts(model: ModelReview) -> str:
    reviewed = (
        f"{model.reviewed_by} at {model.reviewed_at:%Y-%m-%d %H:%M}Z"
        if model.reviewed_by and model.reviewed_at
        else None
    )
    rows = [
        ("owner", model.owner or "(none)"),
        ("sources", ", ".join(model.sources) or "(any table)"),
        ("SQL file", model.sql_path),
        ("translator", model.translator),
        ("dialect", model.dialect),
        ("last approval", reviewed),
        ("tags", ", ".join(model.tags) or None),
        ("description", model.description),
    ]
    return "".join(
        f'<dt>{_e(name)}</dt><dd data-fact="{_e(name)}">{_e(value)}</dd>'
        for name, value in rows
        if value
    )


def _findings(model: ModelReview) -> str:
    if not model.findings:
        checked = "no findings" if model.sql_text is not None else "nothing to validate"
        return f'<p class="muted findings-none">{checked}</p>'
    items = "".join(
        f'<li class="{_e(f.severity)}" data-check="{_e(f.check)}" data-severity="{_e(f.severity)}">'
        f'<span class="severity">{_e(f.severity)}</span> <code>[{_e(f.check)}]</code> '
        f"{_e(f.message)}" + (f'<span class="hint">hint: {_e(f.hint)}</span>' if f.hint else "")
        for f in model.findings
    )
    return f'<ul class="findings">{items}</ul>'


def _columns(model: ModelReview) -> str:
    if model.columns is None:
        return f'<p class="muted">no lineage: {_e(model.lineage_problem or "unknown")}</p>'
    rows = "".join(
        f"<tr><td><code>{_e(name)}</code></td><td>"
        + (", ".join(f"<code>{_e(s)}</code>" for s in sources) or "(no column, e.g. count(*))")
        + "</td></tr>"
        for name, sources in model.columns.items()
    )
    reads = ", ".join(f"<code>{_e(t)}</code>" for t in model.reads)
    return (
        f"<p>reads {reads}</p>"
        f'<table class="columns"><tr><th>output column</th><th>derives from</th></tr>{rows}</table>'
    )


def _model_section(model: ModelReview) -> str:
    state = model.state.value
    invalid = "" if model.valid else ' <span class="badge invalid">invalid</span>'
    hint = f" &middot; fix: <code>{_e(model.hint)}</code>" if model.hint and not model.ok else ""
    sql = (
        f'<pre class="sql"><code>{_e(model.sql_text.rstrip())}</code></pre>'
        if model.sql_text is not None
        else '<p class="muted">no SQL file</p>'
    )
    return f"""
<section class="model state-{state}{"" if model.valid else " invalid"}"
 id="model-{_e(model.name)}" data-model="{_e(model.name)}"
 data-state="{state}" data-ok="{str(model.ok).lower()}">
<header><h2>{_e(model.name)}</h2>
<span class="badge state">{_e(STATE_LABELS[model.state])}</span>{invalid}</header>
<p class="status">{_e(model.status_message)}{hint}</p>
<h3>Prompt</h3>
<blockquote class="prompt">{_e(model.prompt)}</blockquote>
<dl class="facts">{_facts(model)}</dl>
<h3>Validation</h3>
{_findings(model)}
<h3>SQL</h3>
{sql}
<h3>Lineage</h3>
{_columns(model)}
</section>"""


def render_html(report: ReviewReport) -> str:
    """The report as one HTML page that needs nothing but itself (see the module docstring)."""
    graph = lineage_graph(report.models)
    csp = "; ".join(
        (
            "default-src 'none'",
            f"script-src {_csp_hash(_JS)}",
            f"style-src {_csp_hash(_CSS)}",
            "img-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    toc = "".join(
        f'<li><a href="#model-{_e(m.name)}">{_e(m.name)}</a> '
        f'<span class="muted">{_e(STATE_LABELS[m.state])}</span></li>'
        for m in report.models
    )
    return _PAGE.substitute(
        csp=_e(csp),
        css=_CSS,
        js=_JS,
        project=_e(report.project),
        kind="dbt" if report.kind == "dbt" else "sqlsynth",
        total=len(report.models),
        ok_count=sum(m.ok for m in report.models),
        generated_at=f"{report.generated_at:%Y-%m-%d %H:%M}Z",
        version=_e(__version__),
        summary=_summary(report),
        toc=toc,
        models="".join(_model_section(m) for m in report.models),
        graph_json=_script_json(graph.model_dump(mode="json")),
    )
