"""Markdown tables, PNG plots and a one-line summary for one run or several side by side."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from eval.metrics import METRICS, RETRIEVAL_METRICS, paired_difference

LABELS = {"recall@5": "R@5", "recall@10": "R@10", "recall@6k": "R@6k", "mrr": "MRR",
          "cit_valid": "cit. valid", "cit_hit": "cit. hit",
          "cit_first": "first cit. hit", "facts": "key facts",
          "abstain": "abstain (unans.)", "false_abst": "false abst.", "verdict": "verdict ok"}


def fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], aligns: str = "") -> str:
    """A Markdown table; ``aligns`` has one of "l"/"r" per column (default: first left)."""
    aligns = aligns or "l" + "r" * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" if a == "l" else "---:" for a in aligns) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _total_latency(ev: Mapping) -> tuple[float | None, float | None]:
    total = ev["latency"].get("total", {})
    return total.get("p50"), total.get("p95")


def overall_table(evals: Mapping[str, Mapping]) -> str:
    header = ["system", "n", *(LABELS[m] for m in METRICS), "p50 ms", "p95 ms"]
    rows = []
    for name, ev in evals.items():
        o = ev["overall"]
        p50, p95 = _total_latency(ev)
        rows.append([name, str(int(o["n"])), *(fmt(o[m]) for m in METRICS),
                     fmt(p50, 0), fmt(p95, 0)])
    return table(header, rows)


def group_table(ev: Mapping, by: str, metrics: Sequence[str] = METRICS) -> str:
    """One system: every metric per question type (or persona)."""
    header = [by.removeprefix("by_"), "n", *(LABELS[m] for m in metrics)]
    rows = [[g, str(int(v["n"])), *(fmt(v[m]) for m in metrics)] for g, v in ev[by].items()]
    return table(header, rows)


def metric_by_group(evals: Mapping[str, Mapping], by: str, metric: str) -> str:
    """Several systems: one metric per question type (or persona), systems as columns."""
    groups: list[str] = []
    for ev in evals.values():
        groups += [g for g in ev[by] if g not in groups]
    first = next(iter(evals.values()))
    header = [by.removeprefix("by_"), "n", *evals]
    rows = []
    for g in groups:
        n = first[by].get(g, {}).get("n")
        rows.append([g, str(int(n)) if n else "–",
                     *(fmt(ev[by].get(g, {}).get(metric)) for ev in evals.values())])
    return table(header, rows)


def differences_table(evals: Mapping[str, Mapping], metrics: Sequence[str] = METRICS) -> str:
    """Every later run against the first, metric by metric, on the items both score."""
    names = list(evals)
    first = evals[names[0]]["items"]
    rows = []
    for name in names[1:]:
        for m in metrics:
            d = paired_difference(first, evals[name]["items"], m)
            if d is None:
                continue
            rows.append([name, LABELS[m], str(int(d["n"])), fmt(d["before"], 4),
                         fmt(d["after"], 4), f"{d['diff']:+.4f}",
                         f"{int(d['better'])} / {int(d['worse'])}", fmt(d["sure"])])
    return table(["run", "metric", "n", names[0], "this run", "difference",
                  "items better / worse", "resamples better"], rows)


def latency_table(evals: Mapping[str, Mapping]) -> str:
    rows = []
    for name, ev in evals.items():
        for stage, v in ev["latency"].items():
            rows.append([name, stage, fmt(v["p50"], 1), fmt(v["p95"], 1), fmt(v["max"], 1)])
    return table(["system", "stage", "p50 ms", "p95 ms", "max ms"], rows)


def summary_line(name: str, ev: Mapping) -> str:
    o = ev["overall"]
    p50, p95 = _total_latency(ev)
    parts = [f"system={name}", f"n={int(o['n'])}", f"recall@6k={fmt(o['recall@6k'])}",
             f"mrr={fmt(o['mrr'])}"]
    if not ev.get("retrieval_only"):
        parts += [f"cit_valid={fmt(o['cit_valid'])}", f"facts={fmt(o['facts'])}",
                  f"abst={fmt(o['abstain'])}", f"false_abst={fmt(o['false_abst'])}",
                  f"verdict={fmt(o['verdict'])}"]
    parts += [f"p50={fmt(p50, 0)}ms", f"p95={fmt(p95, 0)}ms"]
    return "summary: " + " ".join(parts)


def _why(v: Mapping) -> list[str]:
    why = []
    if v.get("recall@6k") is not None and v["recall@6k"] < 1:
        why.append(f"R@6k {fmt(v['recall@6k'])}")
    if v.get("abstain") == 0.0:
        why.append("answered, but not in the documents")
    if v.get("false_abst") == 1.0:
        why.append("abstained")
    if v.get("cit_valid") is not None and v["cit_valid"] < 1:
        why.append("a quote not verbatim")
    if v.get("verdict") == 0.0:
        why.append("wrong verdict")
    return why


def misses_table(ev: Mapping, run: Sequence[dict], width: int = 90) -> str:
    """Every item that went wrong somewhere, with its question: where to look first."""
    questions = {r["id"]: r.get("question", "") for r in run}
    rows = []
    for item in ev.get("items", []):
        why = _why(item.values)
        if why:
            q = " ".join(questions.get(item.id, "").split())
            q = (q[:width - 1] + "…" if len(q) > width else q).replace("|", "\\|")
            rows.append([item.id, item.type, fmt(item.values.get("mrr")), "; ".join(why), q])
    if not rows:
        return "None."
    return table(["id", "type", "MRR", "what went wrong", "question"], rows, "llrll")


def markdown(evals: Mapping[str, Mapping], plots: Sequence[str] = (),
             runs: Mapping[str, Sequence[dict]] | None = None, paired: bool = False) -> str:
    """The whole report; the first system is the one under test, the others its peers.
    With ``runs``, the items the system under test got wrong are listed with their question.
    ``paired``: the runs are versions of one system on the same questions (``eval compare``):
    each later one against the first, item by item, instead of peers."""
    names = list(evals)
    main = names[0]
    parts = ["# Evaluation", ""]
    if paired and len(names) > 1:
        parts += ["## Against the first run", "",
                  ("Each metric on the items both runs score. \"resamples better\": the share "
                   "of 2,000 paired bootstrap resamples of those items in which the run does "
                   "better on average (lower is better for false abstention); near 1.00 a "
                   "gain that does not hang on one or two questions, near 0.50 a coin toss."),
                  "", differences_table(evals), ""]
    elif len(names) > 1:
        peers = ", ".join(f"`{n}`" for n in names[1:])
        parts += [(f"System under test: `{main}`; peers: {peers}. Peers are compared on "
                   "retrieval only (their answer metrics are –)."), ""]
    parts += ["## Overall", "", overall_table(evals), ""]
    if len(names) > 1:
        for metric in ("recall@6k", "mrr", "recall@10"):
            parts += [f"## {LABELS[metric]} by question type", "",
                      metric_by_group(evals, "by_type", metric), ""]
        parts += [f"## {LABELS['recall@6k']} by persona", "",
                  metric_by_group(evals, "by_persona", "recall@6k"), ""]
    metrics = RETRIEVAL_METRICS if evals[main].get("retrieval_only") else METRICS
    parts += [f"## `{main}` by question type", "", group_table(evals[main], "by_type", metrics), "",
              f"## `{main}` by persona", "", group_table(evals[main], "by_persona", metrics), "",
              "## Latency", "", latency_table(evals), ""]
    if runs and main in runs:
        parts += [f"## What `{main}` got wrong", "", misses_table(evals[main], runs[main]), ""]
    parts += [f"![{Path(p).stem}]({Path(p).name})" for p in plots]
    return "\n".join(parts).rstrip() + "\n"


def plot_recall_by_type(evals: Mapping[str, Mapping], path: Path,
                        metric: str = "recall@6k") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types: list[str] = []
    for ev in evals.values():
        types += [t for t in ev["by_type"] if t not in types
                  and any(e["by_type"].get(t, {}).get(metric) is not None for e in evals.values())]
    width = 0.8 / max(len(evals), 1)
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(types) + 2), 4))
    for i, (name, ev) in enumerate(evals.items()):
        vals = [ev["by_type"].get(t, {}).get(metric) or 0.0 for t in types]
        ax.bar([x + i * width for x in range(len(types))], vals, width, label=name)
    ax.set_xticks([x + width * (len(evals) - 1) / 2 for x in range(len(types))])
    ax.set_xticklabels(types, rotation=30, ha="right")
    ax.set_ylim(0, 1.2)
    ax.set_ylabel(LABELS.get(metric, metric))
    ax.set_title(f"Evidence {LABELS.get(metric, metric)} by question type")
    ax.legend(fontsize="small", ncols=max(len(evals), 1), loc="upper center")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_latency(runs: Mapping[str, Sequence[dict]], path: Path, stage: str = "total") -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = {n: [r["timings_ms"][stage] for r in run if stage in (r.get("timings_ms") or {})]
            for n, run in runs.items()}
    data = {n: v for n, v in data.items() if v}
    fig, ax = plt.subplots(figsize=(6, 4))
    if data:
        ax.boxplot(list(data.values()), showfliers=True)
        ax.set_xticks(range(1, len(data) + 1), list(data))
        if max(max(v) for v in data.values()) > 20 * max(min(min(v) for v in data.values()), 0.1):
            ax.set_yscale("log")
    ax.set_ylabel(f"{stage} (ms)")
    ax.set_title(f"Latency per question ({stage})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _jsonable(ev: Mapping) -> dict:
    out = {k: v for k, v in ev.items() if k != "items"}
    out["items"] = [{"id": i.id, "type": i.type, "persona": i.persona, **i.values}
                    for i in ev.get("items", [])]
    return out


def write_report(evals: Mapping[str, Mapping], runs: Mapping[str, Sequence[dict]],
                 out_dir: Path, paired: bool = False) -> Path:
    """report.md, metrics.json and the plots in ``out_dir``; returns the Markdown path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = [plot_recall_by_type(evals, out_dir / "recall_by_type.png"),
             plot_latency(runs, out_dir / "latency.png")]
    md = markdown(evals, [str(p) for p in plots], runs, paired)
    path = out_dir / "report.md"
    path.write_text(md, encoding="utf-8")
    (out_dir / "metrics.json").write_text(
        json.dumps({n: _jsonable(e) for n, e in evals.items()}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    return path
