#!/usr/bin/python3
"""Turns bench/run.sh's raw results into the report: performance.json (every figure, with the
targets and whether each is met) and the figures section of performance.md (between the markers
<!-- figures:begin --> and <!-- figures:end -->). Standard library only."""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess


def spread(values):
    values = sorted(values)
    return {"median": statistics.median(values), "min": values[0], "max": values[-1], "runs": len(values)}


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        grpc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libgrpc++-dev"], capture_output=True, text=True).stdout
    except OSError:
        grpc = ""
    return {"cpus": os.cpu_count(), "cpu": cpu, "kernel": platform.release(), "grpc": grpc}


def phases(lines):
    """The medians of the phases in section-host's "ready in … ms after main() (name X ms, …)" lines."""
    found = {}
    for line in lines:
        m = re.search(r"ready in ([\d.]+) ms after main\(\) \((.*)\)", line)
        if not m:
            continue
        found.setdefault("after main() in all", []).append(float(m.group(1)))
        for part in m.group(2).split(", "):
            p = re.match(r"(.*) ([\d.]+) ms$", part)
            if p:
                found.setdefault(p.group(1), []).append(float(p.group(2)))
    return {name: round(statistics.median(values), 2) for name, values in found.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", default="full")
    parser.add_argument("--largest", default="")
    parser.add_argument("--generated", type=int, default=1000)
    parser.add_argument("--streams", type=int, default=1000)
    args = parser.parse_args()

    rows = [json.loads(line) for line in open(args.results, encoding="utf-8") if line.strip()]
    by = {}
    for row in rows:
        by.setdefault((row["kind"], row["name"]), []).append(row["data"])

    queries = []
    for (kind, name), runs in by.items():
        if kind != "query":
            continue
        floor = by[("floor", name)]
        health = by[("health", name)]
        q_rate, f_rate, h_rate = (spread([r["calls_per_s"] for r in x]) for x in (runs, floor, health))
        q_p99, f_p99, h_p99 = (spread([r["p99_us"] for r in x]) for x in (runs, floor, health))
        queries.append({
            "call": name,
            "response_bytes": runs[0]["response_bytes"],
            "concurrency": runs[0]["concurrency"],
            "section_host": {"calls_per_s": q_rate, "p99_us": q_p99},
            "floor_same_size": {"calls_per_s": f_rate, "p99_us": f_p99},
            "health_check_on_host": {"calls_per_s": h_rate, "p99_us": h_p99},
            "rate_vs_floor": round(q_rate["median"] / f_rate["median"], 3),
            "p99_vs_floor": round(q_p99["median"] / f_p99["median"], 3),
            "rate_vs_health": round(q_rate["median"] / h_rate["median"], 3),
            "p99_vs_health": round(q_p99["median"] / h_p99["median"], 3),
            "target_met": q_rate["median"] >= 0.9 * f_rate["median"] and q_p99["median"] <= 1.2 * f_p99["median"],
        })

    watch_runs = by.get(("watch", f"streams_{args.streams}"), [])
    watch = {
        "streams": args.streams,
        "p50_ms": spread([r["p50_ms"] for r in watch_runs]),
        "p99_ms": spread([r["p99_ms"] for r in watch_runs]),
        "max_ms": spread([r["max_ms"] for r in watch_runs]),
        "deliveries_per_run": [r["deliveries"] for r in watch_runs],
        "complete": all(r["complete"] for r in watch_runs),
    }
    watch["target_met"] = watch["complete"] and watch["p99_ms"]["median"] < 50

    default_start = by[("startup", "default")][0]
    generated_start = by[("startup", f"generated_{args.generated}")][0]
    hugetlb_start = by[("startup", f"generated_{args.generated}_hugetlb")][0]
    startup = {
        "default_ms": spread([us / 1000 for us in default_start["runs_us"]]),
        "floor_ms": spread([us / 1000 for us in default_start["floor_runs_us"]]),
        "generated_components": args.generated,
        "generated_ms": spread([us / 1000 for us in generated_start["runs_us"]]),
        "generated_hugetlb_ms": spread([us / 1000 for us in hugetlb_start["runs_us"]]),
        "method": "section-bench-startup: posix_spawn to the first line on standard output, steady clock; "
                  "floor and host alternate round by round",
        "phases_ms": phases(default_start.get("lines", [])),
    }
    startup["default_vs_floor"] = round(startup["default_ms"]["median"] / startup["floor_ms"]["median"], 2)
    startup["default_target_met"] = startup["default_vs_floor"] <= 1.5
    startup["generated_target_met"] = startup["generated_ms"]["median"] < 500

    rss_default = by[("memory", "default")][0]["rss_kb_after_queries"]
    per_component_kb = (generated_start["rss_kb"] - default_start["rss_kb"]) / max(1, args.generated - 5)
    memory = {
        "rss_mb_default_after_queries": round(rss_default / 1024, 1),
        "rss_mb_default_at_start": round(default_start["rss_kb"] / 1024, 1),
        "rss_mb_generated_at_start": round(generated_start["rss_kb"] / 1024, 1),
        "kb_per_added_component": round(per_component_kb, 1),
    }
    memory["default_target_met"] = memory["rss_mb_default_after_queries"] < 25
    memory["per_component_target_met"] = per_component_kb < 50

    aggregate = by[("aggregate", "curve")][0]

    reports = {}
    rpc_runs = by.get(("report_rpc_floor", "grpc"), [])
    rpc_floor = spread([x["calls_per_s"] for x in rpc_runs]) if rpc_runs else None
    if rpc_floor:
        reports["rpc_floor_calls_per_s"] = rpc_floor
    for store in ("sqlite", "postgres"):
        one, many = by.get(("report_value", f"{store}_1"), []), by.get(("report_value", f"{store}_16"), [])
        floor_one, floor_many = by.get(("report_floor", f"{store}_1"), []), by.get(("report_floor", f"{store}_16"), [])
        if not (one and many and floor_one and floor_many):
            continue
        entry = {
            "one_reporter": {"reports_per_s": spread([x["rate"] for x in one]), "p99_us": spread([x["p99_us"] for x in one])},
            "sixteen_reporters": {"reports_per_s": spread([x["rate"] for x in many]), "p99_us": spread([x["p99_us"] for x in many])},
            "floor_one_writer_per_s": spread([x["rate"] for x in floor_one]),
            "floor_sixteen_writers_per_s": spread([x["rate"] for x in floor_many]),
        }
        entry["one_vs_floor"] = round(entry["one_reporter"]["reports_per_s"]["median"] / entry["floor_one_writer_per_s"]["median"], 2)
        entry["sixteen_vs_one"] = round(entry["sixteen_reporters"]["reports_per_s"]["median"] /
                                        entry["one_reporter"]["reports_per_s"]["median"], 2)
        entry["one_target_met"] = entry["one_vs_floor"] >= 0.8
        if rpc_floor:
            # One commit and one bare round trip, one after the other: one reporter's best.
            bound = 1 / (1 / entry["floor_one_writer_per_s"]["median"] + 1 / rpc_floor["median"])
            entry["bound_one_per_s"] = round(bound, 1)
            entry["bound_vs_floor"] = round(bound / entry["floor_one_writer_per_s"]["median"], 2)
        if store == "sqlite":
            entry["sixteen_target_met"] = entry["sixteen_vs_one"] >= 5
        reports[store] = entry
    visibility_runs = by.get(("visibility", "postgres"), [])
    if visibility_runs:
        v = visibility_runs[0]
        reports["visibility"] = dict(v, target_met=v["errors"] == 0 and v["after_ack_p99_us"] < 100_000)

    report = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "mode": args.mode,
        "machine": machine(),
        "method": "bench/run.sh: server pinned to CPU 0, client to CPU 1 (taskset); medians of the repeats with min and max",
        "queries": queries,
        "largest_table": args.largest,
        "watch": watch,
        "startup": startup,
        "memory": memory,
        "aggregation": aggregate,
        "reports": reports,
    }
    with open(os.path.join(args.out, "performance.json"), "w", encoding="utf-8") as file:
        json.dump(report, file, indent=2)
        file.write("\n")

    figures = render(report)
    md_path = os.path.join(args.out, "performance.md")
    if os.path.exists(md_path):
        text = open(md_path, encoding="utf-8").read()
        begin, end = "<!-- figures:begin -->", "<!-- figures:end -->"
        if begin in text and end in text:
            text = text[: text.index(begin) + len(begin)] + "\n" + figures + text[text.index(end):]
            with open(md_path, "w", encoding="utf-8") as file:
                file.write(text)
            return
    with open(os.path.join(args.out, "performance-figures.md"), "w", encoding="utf-8") as file:
        file.write(figures)


def met(flag):
    return "met" if flag else "**not met**"


def render(r):
    m = r["machine"]
    lines = [
        f"Measured {r['generated_at']} by `bench/run.sh` ({r['mode']} run) on {m['cpus']} CPUs ({m['cpu']}), "
        f"Linux {m['kernel']}, gRPC {m['grpc']}. Server on CPU 0, client on CPU 1. Each figure is the median "
        "of the repeats, with the range (min–max) beside it. The raw figures are in `docs/performance.json`.",
        "",
        "### Queries, 16 concurrent calls",
        "",
        "| call | bytes | section-host calls/s | same-size floor calls/s | ratio | p99 µs host / floor | ratio | Health/Check calls/s | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for q in r["queries"]:
        h, f, c = q["section_host"], q["floor_same_size"], q["health_check_on_host"]
        lines.append(
            f"| `{q['call']}` | {q['response_bytes']} | {h['calls_per_s']['median']:.0f} "
            f"({h['calls_per_s']['min']:.0f}–{h['calls_per_s']['max']:.0f}) | {f['calls_per_s']['median']:.0f} "
            f"({f['calls_per_s']['min']:.0f}–{f['calls_per_s']['max']:.0f}) | {q['rate_vs_floor']:.2f} | "
            f"{h['p99_us']['median']:.0f} / {f['p99_us']['median']:.0f} | {q['p99_vs_floor']:.2f} | "
            f"{c['calls_per_s']['median']:.0f} (host ÷ it: {q['rate_vs_health']:.2f}) | {met(q['target_met'])} |")
    w = r["watch"]
    s = r["startup"]
    mem = r["memory"]
    lines += [
        "",
        f"The largest table is `{r['largest_table']}`. Target: at least 0.9× the floor's calls/s and at most 1.2× its p99.",
        "",
        "### Watch fan-out",
        "",
        f"A new version reaches {w['streams']} subscribed streams in p50 {w['p50_ms']['median']:.1f} ms and "
        f"**p99 {w['p99_ms']['median']:.1f} ms** (range {w['p99_ms']['min']:.1f}–{w['p99_ms']['max']:.1f}); slowest "
        f"{w['max_ms']['median']:.1f} ms. Measured from the version's `published_at` to each stream's read. "
        f"Target p99 < 50 ms: {met(w['target_met'])}.",
        "",
        "### Start-up to SERVING",
        "",
        "| configuration | median ms | range | target |",
        "|---|---:|---:|---|",
        f"| the default five plugins | {s['default_ms']['median']:.1f} | {s['default_ms']['min']:.1f}–{s['default_ms']['max']:.1f} "
        f"({s['default_ms']['runs']} runs) | host ÷ floor ≤ 1.5: {s['default_vs_floor']:.2f}, {met(s['default_target_met'])} |",
        f"| floor: the bare gRPC server of `bench/` with gRPC's health service (no plugins), started before each run above | "
        f"{s['floor_ms']['median']:.1f} | {s['floor_ms']['min']:.1f}–{s['floor_ms']['max']:.1f} ({s['floor_ms']['runs']} runs) | |",
        f"| {s['generated_components']} generated components (one data file each, one plugin library) | "
        f"{s['generated_ms']['median']:.1f} | {s['generated_ms']['min']:.1f}–{s['generated_ms']['max']:.1f} "
        f"({s['generated_ms']['runs']} runs) | < 500 ms: {met(s['generated_target_met'])} |",
        f"| the same, with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (malloc asks for transparent huge pages) | "
        f"{s['generated_hugetlb_ms']['median']:.1f} | {s['generated_hugetlb_ms']['min']:.1f}–{s['generated_hugetlb_ms']['max']:.1f} "
        f"({s['generated_hugetlb_ms']['runs']} runs) | |",
        "",
        "From `posix_spawn` to the server's first line on standard output (section-host's `serving` line, printed once "
        "health is SERVING), timed by `section-bench-startup` with the monotonic clock; the floor and the host "
        "alternate, round by round.",
        "",
        "The default host's own phases after `main()` (medians of its `ready in` lines): "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in s.get("phases_ms", {}).items()) + ".",
        "",
        "### Aggregation by number of components",
        "",
        "| components | tables | median ms | range | µs per component | then kept serialized (`query::serialize_view`), median ms "
        "| next version, one component changed: full path, median ms | the same from shares (`query::build_shared_view`), median ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in r["aggregation"]["points"]:
        lines.append(f"| {p['components']} | {p['tables']} | {p['median_ms']:.2f} | {p['min_ms']:.2f}–{p['max_ms']:.2f} | "
                     f"{p['us_per_component']:.1f} | {p.get('publish_median_ms', 0):.2f} | "
                     f"{p.get('next_version_full_ms', 0):.2f} | {p.get('next_version_shared_ms', 0):.2f} |")
    lines += [
        "",
        "In process, from components already read; the range's maximum is the first repeat, on memory not yet "
        "touched. The next version's full path is what every version cost before components kept their shares "
        "(every stored component parsed, `build_view`, `serialize_view`); from shares, the changed component's "
        "share is built and the others' reused, as `Versions::publish` does now."
        f" Reading one Section 29F data file (YAML, the SDK's reader) takes {r['aggregation']['read_us_per_component']:.0f} µs "
        "(median of 100 reads, one core).",
        "",
        "### Memory",
        "",
        f"- RSS of the default host after the query benchmark: **{mem['rss_mb_default_after_queries']} MB** "
        f"(at start {mem['rss_mb_default_at_start']} MB). Target < 25 MB: {met(mem['default_target_met'])}.",
        f"- Per added component: **{mem['kb_per_added_component']} KB** (RSS {mem['rss_mb_generated_at_start']} MB with "
        f"{s['generated_components']} generated components). Target < 50 KB: {met(mem['per_component_target_met'])}.",
        "",
    ]
    lines += render_reports(r.get("reports", {}))
    return "\n".join(lines)


def render_reports(reports):
    if not reports:
        return []
    lines = [
        "### Reports (ReportValue), beside their floors",
        "",
        "| store | 1 reporter/s | floor: 1 writer/s | 1 ÷ floor (target ≥ 0.8) | 16 reporters/s | 16 ÷ 1 | p99 µs, 1 / 16 | floor: 16 writers/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for store in ("sqlite", "postgres"):
        if store not in reports:
            continue
        e = reports[store]
        one, many = e["one_reporter"], e["sixteen_reporters"]
        sixteen = f"{e['sixteen_vs_one']:.2f}"
        if "sixteen_target_met" in e:
            sixteen += f" (target ≥ 5: {met(e['sixteen_target_met'])})"
        lines.append(
            f"| {store} | {one['reports_per_s']['median']:.0f} ({one['reports_per_s']['min']:.0f}–{one['reports_per_s']['max']:.0f}) | "
            f"{e['floor_one_writer_per_s']['median']:.0f} | {e['one_vs_floor']:.2f}, {met(e['one_target_met'])} | "
            f"{many['reports_per_s']['median']:.0f} ({many['reports_per_s']['min']:.0f}–{many['reports_per_s']['max']:.0f}) | {sixteen} | "
            f"{one['p99_us']['median']:.0f} / {many['p99_us']['median']:.0f} | {e['floor_sixteen_writers_per_s']['median']:.0f} |")
    lines += [
        "",
        "`section-bench-reports` keeps N reporters each sending one report at a time (a new idempotency key each) to a "
        "host on the store; `section-bench-store-floor` inserts and commits the same row, one transaction per row, with "
        "the same durability (SQLite WAL with `synchronous=FULL`; PostgreSQL with `synchronous_commit` on, on a "
        "throwaway PostgreSQL 15 on the same machine), measured in the same run, interleaved with the host.",
        "",
    ]
    rpc = reports.get("rpc_floor_calls_per_s")
    if rpc:
        bounds = "; ".join(f"{store} {reports[store]['bound_one_per_s']:.0f}/s, {reports[store]['bound_vs_floor']:.2f} of its floor"
                           for store in ("sqlite", "postgres") if store in reports and "bound_one_per_s" in reports[store])
        lines += [
            f"A bare gRPC round trip, one call at a time to a server that only answers (`section-bench-floor`, 256 bytes), "
            f"ran at {rpc['median']:.0f} calls/s ({1e6 / rpc['median']:.0f} µs each). One reporter waits for a round trip "
            f"and a commit one after the other, so no gRPC server can take one reporter's reports faster than "
            f"1 ÷ (1 ÷ floor + 1 ÷ round trips/s): {bounds}.",
            "",
        ]
    v = reports.get("visibility")
    if v:
        lines += [
            "### Cross-host visibility",
            "",
            f"Two hosts on one PostgreSQL; {v['reports']} reports sent one at a time to A while B's Watch is open. From A's "
            f"answer to B's Watch announcing the report: p50 {v['after_ack_p50_us'] / 1000:.1f} ms, "
            f"**p99 {v['after_ack_p99_us'] / 1000:.1f} ms**, max {v['after_ack_max_us'] / 1000:.1f} ms (from sending it: "
            f"p50 {v['after_send_p50_us'] / 1000:.1f} ms, p99 {v['after_send_p99_us'] / 1000:.1f} ms). "
            f"Target p99 < 100 ms: {met(v['target_met'])}.",
            "",
        ]
    return lines


if __name__ == "__main__":
    main()
