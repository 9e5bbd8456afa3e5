"""`sqlsynth report`: the HTML review page, rendered by a real headless Chromium.

One shop project is set up once per module through the real CLI, with a spec in every state
`sqlsynth check` knows, findings of both severities, and hostile text in a prompt, an owner and
a hand-edited SQL file. Chromium loads the written page from disk with a fresh profile and
dumps the DOM after its scripts ran: the lineage graph exists only there, drawn by the page's
own JavaScript. Chromium's network log shows what the page asked for.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner

from sqlsynth.artifact import ModelState
from sqlsynth.cli import cli
from sqlsynth.review_report import ModelReview, lineage_graph
from tests.conftest import DEMO, build_shop_warehouse
from tests.dbt import built_example, sqlsynth, working_copy

CHROMIUM = "/usr/bin/chromium"
HOSTILE_PROMPT = "How many customers? <script>document.title='pwned-prompt'</script> <img src=x>"
HOSTILE_OWNER = "<b>mallory</b>@example.com"
HOSTILE_SQL = "-- </code></pre><script>document.title='pwned-sql'</script>"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


# ---------------------------------------------------------------------------------------------
# A small DOM from Chromium's serialization, to query like the browser would.
# ---------------------------------------------------------------------------------------------

VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "base", "col"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def own_text(self) -> str:
        """Text directly inside, without that of child elements (an SVG label's tooltip)."""
        return "".join(c for c in self.children if isinstance(c, str))

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements with ``tag`` whose attributes equal ``attrs`` (``class_`` matches a class)."""
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if all(
                v in element.classes if k == "class" else element.attrs.get(k) == v
                for k, v in wanted.items()
            ):
                found.append(element)
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_dom(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# ---------------------------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------------------------


@dataclass
class Rendered:
    dom: Element
    page_requests: list[str]
    """URLs the page (not the browser's own housekeeping) asked the network for."""
    screenshot: Path
    seconds: float
    """How long Chromium took to load, lay out and dump the page."""


def chromium(workdir: Path, *args: str) -> str:
    """Run Debian's headless Chromium with a fresh profile; a missing Chromium fails the test."""
    if shutil.which("chromium") is None:
        pytest.fail("chromium is missing: `apt-get install chromium` (make test installs it)")
    workdir.mkdir(parents=True, exist_ok=True)
    profile = workdir / f"profile-{len(list(workdir.glob('profile-*')))}"
    command = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def page_requests(net_log: Path) -> list[str]:
    """URL requests in Chromium's net log that a page started: the browser's own (update
    checks, network time) have no initiator; a ``file://`` page's have the opaque ``null``."""
    log = json.loads(net_log.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start_job
        and "url" in event.get("params", {})
        and event["params"].get("initiator") != "not an origin"
    ]


def render(page: Path, workdir: Path) -> Rendered:
    """The page's DOM after its scripts ran, its network requests, and a screenshot."""
    url = page.resolve().as_uri()
    net_log = workdir / "net-log.json"
    started = time.perf_counter()
    dom = chromium(workdir, f"--log-net-log={net_log}", "--dump-dom", url)
    seconds = time.perf_counter() - started
    (workdir / "dom.html").write_text(dom)
    screenshot = workdir / "report.png"
    chromium(workdir, f"--screenshot={screenshot}", "--window-size=1400,2000", url)
    return Rendered(
        dom=parse_dom(dom),
        page_requests=page_requests(net_log),
        screenshot=screenshot,
        seconds=seconds,
    )


# ---------------------------------------------------------------------------------------------
# The shop project: a spec in every state, set up through the real CLI
# ---------------------------------------------------------------------------------------------


@dataclass
class ShopReport:
    root: Path
    page: Path
    html: str
    cli_output: str
    checked: dict[str, Any]
    """`sqlsynth check --json`, by spec name."""
    rendered: Rendered


def invoke(root: Path, *args: str, expect: int = 0) -> str:
    result = CliRunner().invoke(
        cli,
        ["--project", str(root), *args],
        env={"SQLSYNTH_ACTOR": "test-reviewer"},
        catch_exceptions=False,
    )
    assert result.exit_code == expect, result.output
    return result.output


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> ShopReport:
    base = tmp_path_factory.mktemp("review-report")
    root = base / "shop"
    shutil.copytree(DEMO / "project", root)
    build_shop_warehouse(root / "warehouse.duckdb")
    with (root / "specs" / "customers.yml").open("a") as specs:  # JSON strings are YAML
        specs.write(
            f"  - name: hostile_prompt\n    prompt: {json.dumps(HOSTILE_PROMPT)}\n"
            f"    sources: [customers]\n    owner: {json.dumps(HOSTILE_OWNER)}\n"
        )
    invoke(root, "generate", "--keep-going", expect=1)  # the hostile prompt does not translate
    invoke(
        root,
        "approve",
        "customer_count",
        "german_customers",
        "average_price_by_category",
        "top_customers_by_revenue",
    )
    # edited after approval, into `SELECT *` (a warning) with markup in a comment
    replace_in(
        root / "models" / "german_customers.sql", "SELECT\n", f"SELECT\n  *, {HOSTILE_SQL}\n"
    )
    # stale: the prompt changed after approval
    replace_in(root / "specs" / "orders.yml", "highest first", "most expensive first")
    (root / "models" / "customers_per_segment.sql").unlink()
    # approved, then the warehouse renamed a column it joins on: invalid (an error) today
    with duckdb.connect(str(root / "warehouse.duckdb")) as con:
        con.execute(
            "DROP TABLE order_items;"
            "CREATE TABLE orders_new AS SELECT order_id, customer_id AS buyer_id, order_date,"
            " status, amount FROM orders;"
            "DROP TABLE orders; ALTER TABLE orders_new RENAME TO orders;"
        )
    checked = json.loads(invoke(root, "check", "--json", expect=1))
    page = base / "out" / "review.html"
    cli_output = invoke(root, "report", "--output", str(page))
    return ShopReport(
        root=root,
        page=page,
        html=page.read_text(),
        cli_output=cli_output,
        checked={r["name"]: r for r in checked},
        rendered=render(page, base / "chromium"),
    )


def section(shop: ShopReport, name: str) -> Element:
    return shop.rendered.dom.one("section", data_model=name)


def test_every_spec_is_shown_in_the_state_check_sees(shop: ShopReport) -> None:
    shown = {
        s.attrs["data-model"]: s.attrs["data-state"]
        for s in shop.rendered.dom.find_all("section", class_="model")
    }
    assert shown == {name: result["state"] for name, result in shop.checked.items()}
    assert shown == {
        "customer_count": "fresh",
        "german_customers": "edited-after-approval",
        "customers_per_segment": "missing-file",
        "hostile_prompt": "not-generated",
        "revenue_by_status": "unreviewed",
        "average_price_by_category": "spec-changed",
        "top_customers_by_revenue": "fresh",
    }
    badges = {name: section(shop, name).one("span", class_="state").text for name in shown}
    assert badges["customer_count"] == "approved"
    assert badges["german_customers"] == "edited after approval"
    assert badges["average_price_by_category"] == "stale: spec changed"
    assert badges["customers_per_segment"] == "missing SQL file"


def test_only_approved_and_still_valid_specs_count_as_ok(shop: ShopReport) -> None:
    ok = {s.attrs["data-model"] for s in shop.rendered.dom.find_all("section", data_ok="true")}
    assert ok == {name for name, result in shop.checked.items() if result["ok"]}
    assert ok == {"customer_count"}
    invalid = section(shop, "top_customers_by_revenue").find_all("span", class_="invalid")
    assert [badge.text for badge in invalid] == ["invalid"]
    summary = shop.rendered.dom.one("ul", id="summary")
    assert summary.one("li", data_state="invalid").text == "invalid 1"
    assert summary.one("li", data_state="fresh").text == "approved 2"
    assert "7 specs, 1 fresh and approved" in shop.cli_output


def test_each_spec_shows_its_name_owner_prompt_and_fix(shop: ShopReport) -> None:
    card = section(shop, "revenue_by_status")
    assert card.one("h2").text == "revenue_by_status"
    assert card.one("dd", data_fact="owner").text == "finance@example.com"
    assert card.one("blockquote", class_="prompt").text == "Total amount of orders for each status"
    status = card.one("p", class_="status")
    assert "generated but not approved" in status.text
    assert "fix: sqlsynth approve revenue_by_status" in status.text


def test_the_reviewed_sql_is_shown_verbatim(shop: ShopReport) -> None:
    for name in ("customer_count", "german_customers", "top_customers_by_revenue"):
        shown = section(shop, name).one("pre", class_="sql").text
        assert shown == (shop.root / "models" / f"{name}.sql").read_text().rstrip()
    assert section(shop, "customers_per_segment").find_all("pre") == []


def test_findings_are_listed_with_their_hints(shop: ShopReport) -> None:
    warning = section(shop, "german_customers").one("li", data_check="select_star")
    assert warning.attrs["data-severity"] == "warning"
    assert warning.one("span", class_="hint").text == "hint: list the columns the model returns"
    errors = section(shop, "top_customers_by_revenue").find_all("li", data_severity="error")
    assert errors, "the renamed join column should be an error"
    assert all(e.find_all("span", class_="hint") for e in errors)
    shown = [(e.attrs["data-check"], e.one("span", class_="hint").text) for e in errors]
    checked = shop.checked["top_customers_by_revenue"]["findings"]
    assert shown == [(f["check"], f"hint: {f['hint']}") for f in checked]
    assert any("customer_id" in e.text for e in errors)


def translate(element: Element) -> tuple[float, float]:
    match = re.fullmatch(r"translate\(([-\d.]+),([-\d.]+)\)", element.attrs["transform"])
    assert match, element.attrs["transform"]
    return float(match[1]), float(match[2])


def embedded_graph(html_text: str) -> Any:
    return json.loads(parse_dom(html_text).one("script", id="lineage-data").text)


def test_the_lineage_graph_is_drawn_by_the_page_script(shop: ShopReport) -> None:
    static_svg = parse_dom(shop.html).one("svg", id="lineage-graph")
    assert static_svg.children == []  # nothing drawn on the server
    svg = shop.rendered.dom.one("svg", id="lineage-graph")
    assert svg.attrs["data-rendered"] == "true"
    boxes = {g.attrs["data-node-id"]: g.attrs["data-kind"] for g in svg.find_all("g", class_="box")}
    assert boxes == {
        "table:customers": "table",
        "table:orders": "table",
        "table:products": "table",
        "model:customer_count": "model",
        "model:german_customers": "model",
        "model:revenue_by_status": "model",
        "model:average_price_by_category": "model",
    }
    revenue = svg.one("g", data_node_id="model:revenue_by_status")
    assert revenue.attrs["data-state"] == "unreviewed"
    assert [c.attrs["data-node-id"] for c in revenue.find_all("g", class_="column")] == [
        "model:revenue_by_status.status",
        "model:revenue_by_status.total_amount",
    ]
    orders = svg.one("g", data_node_id="table:orders")
    labels = [c.one("text").own_text for c in orders.find_all("g", data_kind="column")]
    assert labels == ["status", "amount"]


def test_graph_edges_follow_column_lineage(shop: ShopReport) -> None:
    svg = shop.rendered.dom.one("svg", id="lineage-graph")
    drawn = {
        (p.attrs["data-from"], p.attrs["data-to"], p.attrs["data-kind"])
        for p in svg.find_all("path", class_="edge")
    }
    embedded = {(e["source"], e["target"], e["kind"]) for e in embedded_graph(shop.html)["edges"]}
    assert drawn == embedded
    lineage = json.loads(invoke(shop.root, "lineage", "revenue_by_status", "--json"))
    fields = lineage["outputs"][0]["facets"]["columnLineage"]["fields"]
    from_lineage_command = {
        (f"table:{i['name']}.{i['field']}", f"model:revenue_by_status.{column}", "column")
        for column, facet in fields.items()
        for i in facet["inputFields"]
    }
    assert from_lineage_command == {
        ("table:orders.status", "model:revenue_by_status.status", "column"),
        ("table:orders.amount", "model:revenue_by_status.total_amount", "column"),
    }
    assert from_lineage_command <= drawn
    # count(*) reads the table but none of its columns: a dashed table-level edge
    assert ("table:customers", "model:customer_count", "reads") in drawn
    assert ("table:customers.country", "model:german_customers.country", "column") in drawn
    assert not any(target.startswith("model:top_customers") for _, target, _ in drawn)


def test_graph_edges_join_the_boxes_they_connect(shop: ShopReport) -> None:
    svg = shop.rendered.dom.one("svg", id="lineage-graph")
    anchors: dict[str, tuple[float, float, float]] = {}  # node → left x, right x, middle y
    for box in svg.find_all("g", class_="box"):
        x, y = translate(box)
        width = float(box.one("rect", class_="frame").attrs["width"])
        head = float(box.one("rect", class_="head").attrs["height"])
        anchors[box.attrs["data-node-id"]] = (x, x + width, y + head / 2)
        for column in box.find_all("g", class_="column"):
            _, dy = translate(column)
            row = float(column.one("rect").attrs["height"])
            anchors[column.attrs["data-node-id"]] = (x, x + width, y + dy + row / 2)
    paths = svg.find_all("path", class_="edge")
    assert len(paths) == len(embedded_graph(shop.html)["edges"]) > 10
    for path in paths:
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.attrs["d"])]
        start, end = numbers[:2], numbers[-2:]
        _, source_right, source_y = anchors[path.attrs["data-from"]]
        target_left, _, target_y = anchors[path.attrs["data-to"]]
        assert start == [source_right, source_y], path.attrs
        assert end == [target_left, target_y], path.attrs


def test_graph_boxes_do_not_overlap(shop: ShopReport) -> None:
    svg = shop.rendered.dom.one("svg", id="lineage-graph")
    spans: dict[float, list[tuple[float, float]]] = {}
    for box in svg.find_all("g", class_="box"):
        x, y = translate(box)
        spans.setdefault(x, []).append(
            (y, y + float(box.one("rect", class_="frame").attrs["height"]))
        )
    assert len(spans) == 2  # tables, then the models that read them
    for column in spans.values():
        column.sort()
        assert all(
            top_end <= next_top for (_, top_end), (next_top, _) in itertools.pairwise(column)
        )


def test_user_text_is_escaped_and_never_runs(shop: ShopReport) -> None:
    dom = shop.rendered.dom
    assert dom.one("head").one("title").text == "sqlsynth review: shop"  # no injected script ran
    assert [s.attrs.get("id") for s in dom.find_all("script")] == ["lineage-data", None]
    assert dom.find_all("img") == [] and dom.find_all("b") == []
    card = section(shop, "hostile_prompt")
    assert card.one("blockquote", class_="prompt").text == HOSTILE_PROMPT
    assert card.one("dd", data_fact="owner").text == HOSTILE_OWNER
    assert HOSTILE_SQL in section(shop, "german_customers").one("pre", class_="sql").text
    assert "<script>document.title" not in shop.html
    assert "&lt;script&gt;document.title=&#x27;pwned-prompt&#x27;&lt;/script&gt;" in shop.html


def test_the_page_loads_nothing_from_the_network(shop: ShopReport) -> None:
    assert shop.rendered.page_requests == []
    page = parse_dom(shop.html)
    csp = page.one("meta", http_equiv="Content-Security-Policy").attrs["content"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/=]{44}'", directives["script-src"])
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/=]{44}'", directives["style-src"])
    assert page.find_all("link") == [] and page.find_all("img") == []
    assert all("src" not in e.attrs for e in page.iter())
    assert all(e.attrs["href"].startswith("#") for e in page.iter() if "href" in e.attrs)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", shop.html)) == {SVG_NAMESPACE}
    assert "url(" not in shop.html and "@import" not in shop.html


def test_the_network_check_sees_a_page_that_loads_remote_assets(tmp_path: Path) -> None:
    page = tmp_path / "remote.html"
    page.write_text(
        '<!DOCTYPE html><img src="http://assets.invalid/logo.png">'
        '<link rel="stylesheet" href="https://cdn.invalid/site.css">'
    )
    requests = render(page, tmp_path / "chromium").page_requests
    assert sorted(requests) == ["http://assets.invalid/logo.png", "https://cdn.invalid/site.css"]


def test_the_report_is_one_file_written_in_place(shop: ShopReport) -> None:
    assert [p.name for p in shop.page.parent.iterdir()] == ["review.html"]  # no temp file left
    assert f"wrote {shop.page} (7 specs" in shop.cli_output
    assert shop.rendered.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shop.rendered.screenshot.parent.is_relative_to(shop.root.parent)


def test_an_output_path_that_cannot_be_written_is_one_line(shop: ShopReport) -> None:
    blocked = shop.root / "sqlsynth.toml" / "review.html"  # its folder is a file
    output = invoke(shop.root, "report", "--output", str(blocked), expect=1)
    assert output.startswith(f"error: could not write the report to {blocked}: ")
    assert output.count("\n") == 1 and "Traceback" not in output


def test_a_model_that_reads_another_model_is_drawn_after_it() -> None:
    def model(name: str, columns: dict[str, tuple[str, ...]]) -> ModelReview:
        reads = tuple(sorted({source.rpartition(".")[0] for s in columns.values() for source in s}))
        return ModelReview(
            name=name,
            prompt="p",
            state=ModelState.FRESH,
            status_message="ok",
            reads=reads,
            columns=columns,
        )

    graph = lineage_graph(
        [
            model("revenue_by_country", {"country": ("customer_totals.country",)}),
            model("customer_totals", {"country": ("customers.country",)}),
        ]
    )
    assert {b.id: b.layer for b in graph.boxes} == {
        "table:customers": 0,
        "model:customer_totals": 1,
        "model:revenue_by_country": 2,
    }
    assert {(e.source, e.target) for e in graph.edges} == {
        ("table:customers.country", "model:customer_totals.country"),
        ("model:customer_totals.country", "model:revenue_by_country.country"),
    }


def test_report_in_a_dbt_project_shows_its_generated_models(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    project = working_copy(built_example(tmp_path_factory)[0], tmp_path)
    page = tmp_path / "dbt-review.html"
    result = sqlsynth(project, "report", "--output", str(page))
    assert "5 specs, 5 fresh and approved" in result.stdout
    rendered = render(page, tmp_path / "chromium")
    models = rendered.dom.find_all("section", class_="model")
    assert len(models) == 5 and {m.attrs["data-state"] for m in models} == {"fresh"}
    sql = rendered.dom.one("section", data_model="top_customers").one("pre", class_="sql").text
    assert "{{ ref('stg_customers') }}" in sql
    svg = rendered.dom.one("svg", id="lineage-graph")
    edges = {(p.attrs["data-from"], p.attrs["data-to"]) for p in svg.find_all("path")}
    assert ("table:stg_customers.first_name", "model:top_customers.first_name") in edges
    assert rendered.page_requests == []
