"""A classroom against one running rnnviz server: N students over Streamlit's websocket protocol.

Each student opens Step through with its own sentence (a made-up word only it types), then every
--interval seconds types a new sentence (the text box's value, as the browser sends it) and steps
--steps-per-rerun times in the live view (its "moved" trigger, as the component sends it). Reported:
rerun latency (send → script_finished) p50/p95/max, bytes per rerun and per step sync, errors
(exceptions drawn, disconnects, timeouts), cross-talk (a session that receives another student's
word) and the server's RSS (peak, and per extra session), as text or --json.

    python tools/classroom_load.py --start --students 30 --duration 120
    python tools/classroom_load.py --url http://127.0.0.1:8502 --pid 1234 --students 10 --json

Loopback only, at most 200 students and 15 minutes.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from classroom import server
from classroom.student import Student

MAX_STUDENTS, MAX_SECONDS = 200, 15 * 60


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (nearest rank) of `values`, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "max": max(values) if values else None, "mean": statistics.fmean(values) if values else None}


async def sample_rss(pid: int | None, into: list[float], stop: asyncio.Event) -> None:
    while pid and not stop.is_set():
        mb = server.rss_mb(pid)
        if mb is not None:
            into.append(mb)
        try:
            await asyncio.wait_for(stop.wait(), 0.5)
        except TimeoutError:
            pass


async def classroom(ws_url: str, pid: int | None, args) -> dict:
    """Warms the server with one student's first run, then runs the class; returns the report."""
    warm = Student(0, ws_url)
    await warm.run(time.monotonic(), args.interval, 0, 0.0)     # opens only: models loaded, caches warm
    baseline = server.rss_mb(pid) if pid else None
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, samples, stop))
    started = time.monotonic()
    deadline = started + args.duration
    students = [Student(n, ws_url) for n in range(1, args.students + 1)]
    results = await asyncio.gather(*(s.run(deadline, args.interval, args.steps_per_rerun,
                                           args.interval * (n / args.students))
                                     for n, s in enumerate(students)))
    stop.set()
    await sampler
    peak = max(samples) if samples else None
    reruns = [x for r in results for x in r.rerun_latencies]
    return {
        "students": args.students, "duration_s": round(time.monotonic() - started, 1),
        "interval_s": args.interval, "steps_per_rerun": args.steps_per_rerun,
        "warm_student_errors": warm.result.errors,
        "open_latency_s": summary([r.open_latency for r in results if r.open_latency is not None]),
        "rerun_latency_s": summary(reruns),
        "step_latency_s": summary([x for r in results for x in r.step_latencies]),
        "bytes_per_open": summary([r.open_bytes for r in results if r.open_latency is not None]),
        "bytes_per_rerun": summary([x for r in results for x in r.rerun_bytes]),
        "bytes_per_step_sync": summary([x for r in results for x in r.step_bytes]),
        "live_view_bytes_per_step_sync": summary([x for r in results for x in r.step_component_bytes]),
        "step_syncs_skipped": sum(r.steps_skipped for r in results),   # a turn that ran past the next one
        "reruns_per_s": round(len(reruns) / (time.monotonic() - started), 2),
        "errors": [f"student {r.student}: {e}" for r in results for e in r.errors],
        "cross_talk": [f"student {r.student} received {w}" for r in results for w in r.cross_talk],
        "students_without_own_word": [r.student for r in results if not r.saw_own_word],
        "rss_mb": {"pid": pid, "baseline": baseline, "peak": peak,
                   "per_extra_session": (peak - baseline) / args.students if peak and baseline else None},
    }


def as_text(report: dict) -> str:
    def ms(part: dict) -> str:
        return "n/a" if not part["n"] else (f"p50 {part['p50'] * 1000:.0f} ms, p95 {part['p95'] * 1000:.0f} ms, "
                                            f"max {part['max'] * 1000:.0f} ms (n={part['n']})")

    def kb(part: dict) -> str:
        return "n/a" if not part["n"] else f"mean {part['mean'] / 1024:.1f} KB, max {part['max'] / 1024:.1f} KB"

    rss = report["rss_mb"]
    lines = [f"{report['students']} students, {report['duration_s']} s, a new sentence every "
             f"{report['interval_s']} s, {report['steps_per_rerun']} step(s) after each",
             f"open:      {ms(report['open_latency_s'])}; {kb(report['bytes_per_open'])}",
             f"rerun:     {ms(report['rerun_latency_s'])}; {kb(report['bytes_per_rerun'])}; "
             f"{report['reruns_per_s']} reruns/s",
             f"step sync: {ms(report['step_latency_s'])}; {kb(report['bytes_per_step_sync'])} "
             f"(of which the live view's payload: {kb(report['live_view_bytes_per_step_sync'])}); "
             f"{report['step_syncs_skipped']} skipped (no time left in the turn)",
             f"errors: {len(report['errors'])}; cross-talk: {len(report['cross_talk'])}; "
             f"students who never saw their own word: {len(report['students_without_own_word'])}"]
    if rss["pid"]:
        per = rss["per_extra_session"]
        lines.append(f"server RSS (pid {rss['pid']}): {rss['baseline']:.0f} MB warm, peak {rss['peak']:.0f} MB, "
                     + (f"{per:.1f} MB per extra session" if per is not None else "per session n/a"))
    lines += [f"  {e}" for e in (report["errors"] + report["cross_talk"])[:10]]
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8502 (loopback only)")
    where.add_argument("--start", action="store_true",
                       help="start `streamlit run app.py` on a free port, stop it after")
    parser.add_argument("--pid", type=int, help="the server's pid for RSS (default: the process on the url's port)")
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60, help="seconds of reruns after the first opens")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a student's new sentences")
    parser.add_argument("--steps-per-rerun", type=int, default=1, help="live view step syncs after each rerun")
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    parser.add_argument("--log", default=str(Path(tempfile.gettempdir()) / "classroom-server.log"),
                        help="the started server's output (with --start)")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= MAX_STUDENTS or not 0 < args.duration <= MAX_SECONDS or args.interval <= 0:
        parser.error(f"students 1..{MAX_STUDENTS}, duration up to {MAX_SECONDS} s, interval > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    process = None
    if args.start:
        process, url = server.start(Path(args.log).resolve())
    else:
        url = args.url.rstrip("/")
    try:
        host, port = server.loopback_url(url)
        pid = args.pid or (process.pid if process else server.pid_listening_on(port))
        ws_host = f"[{host}]" if ":" in host else host
        report = asyncio.run(classroom(f"ws://{ws_host}:{port}/_stcore/stream", pid, args))
    finally:
        if process is not None:
            server.stop(process)
    print(json.dumps(report, indent=1) if args.json else as_text(report))
    return 1 if report["errors"] or report["cross_talk"] else 0


if __name__ == "__main__":
    sys.exit(main())
