#!/usr/bin/env python3
"""A client of the Python GPU utilization monitor, written against its documentation with the standard library only
(json, datetime.fromisoformat, urllib). Run against our scorer it must read every endpoint without error.

Usage: monitor_client.py BASE_URL    e.g. http://127.0.0.1:8080
Prints one line per endpoint and "N passed, 0 failed"; exits non-zero on the first failure.
"""
import json
import re
import sys
import urllib.request
from datetime import datetime, timezone

# datetime.fromisoformat before Python 3.11 takes no "Z" and 0, 3 or 6 fractional digits only: a client on an older
# Python fails on anything else, so the timestamps are held to that grammar whatever Python runs this script.
PRE_311_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?([+-]\d{2}:\d{2})?$")


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        body = response.read().decode("utf-8")
        return json.loads(body) if path != "/metrics" else body


def timestamp(value, where):
    if value is None:
        return None
    if not PRE_311_ISO.match(value):
        raise AssertionError(f"{where}: {value!r} is not readable by datetime.fromisoformat before Python 3.11")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is not None and parsed.utcoffset() != timezone.utc.utcoffset(None):
        raise AssertionError(f"{where}: {value!r} is not UTC")
    return parsed


def number(value):
    return "-" if value is None else f"{value:.1f}"


def gpu(entry, where):
    # What a dashboard script does with a result: format it and compare its numbers. Only a GPU whose series are
    # missing (status "unknown", our addition) has null numbers.
    assert entry["status"] in ("idle", "low", "normal", "high", "unknown"), where
    if entry["status"] != "unknown":
        for field in ("score", "gpu_util", "mem_copy", "mem_used_mb", "power_usage", "sm_clock"):
            assert isinstance(entry[field], (int, float)), f"{where}.{field} is a number"
    line = f"{entry['namespace']}/{entry['pod']} {entry['gpu_id']} {number(entry['score'])}% {number(entry['gpu_util'])}% " \
           f"{number(entry['mem_used_mb'])} {entry['status']}"
    timestamp(entry.get("timestamp"), where + ".timestamp")
    ai = entry.get("ai_analysis")
    if ai is not None:
        assert 0 <= ai["confidence"] <= 1 and 0 <= ai["ai_adjusted_score"] <= 100, where
        line += f" ai={ai['status']}:{ai['confidence']:.2f}"
    return line


def main(base):
    checks = 0
    root = get(base, "/")
    assert isinstance(root["service"], str) and isinstance(root["version"], str)
    assert isinstance(root["features"]["ai_analysis"], bool) and isinstance(root["features"]["prometheus_metrics"], bool)
    assert isinstance(root["features"]["control_api"], bool)
    assert root["config"]["prometheus_url"].startswith("http")
    print(f"/ {root['service']} {root['version']} threshold={root['config']['threshold']} interval={root['config']['interval']}")
    checks += 1

    health = get(base, "/health")
    assert isinstance(health["analysis_timeout"], bool), "analysis_timeout is a boolean"
    assert isinstance(health["prometheus_connected"], bool) and isinstance(health["ai_enabled"], bool)
    last = timestamp(health["last_analysis"], "/health.last_analysis")
    print(f"/health {health['status']} last_analysis={last} interval={health['interval']}")
    checks += 1

    results = get(base, "/results")
    assert isinstance(results, list) and results, "/results lists the GPUs"
    for i, entry in enumerate(results):
        print("/results " + gpu(entry, f"/results[{i}]"))
    scores = [r["score"] for r in results if r["score"] is not None]
    print(f"/results mean score {sum(scores) / len(scores):.1f} over {len(scores)} scored GPUs")
    checks += 1

    low = get(base, "/results/low")
    assert low["count"] == len(low["gpus"])
    for i, entry in enumerate(low["gpus"]):
        assert entry["score"] < low["threshold"], "a low GPU is under the threshold"
        print("/results/low " + gpu(entry, f"/results/low.gpus[{i}]"))
    checks += 1

    stats = get(base, "/results/stats")
    assert stats["total_gpus"] >= stats["low_utilization_count"] >= stats["idle_count"]
    for status in ("idle", "low", "normal", "high"):
        assert isinstance(stats["by_status"][status], int)
    for namespace, tenant in stats["by_namespace"].items():
        print(f"/results/stats {namespace}: {tenant['count']} GPUs, avg {tenant['avg_score']}, {tenant['low_util_count']} low")
    checks += 1

    config = get(base, "/config")
    assert isinstance(config, dict) and "threshold" in config
    checks += 1

    metrics = get(base, "/metrics")
    for name in ("gpu_utilization_score", "gpu_total_count", "gpu_low_utilization_count", "gpu_average_score"):
        assert re.search(rf"^{name}[{{ ]", metrics, re.M), f"/metrics has {name}"
    checks += 1

    triggered = get(base, "/analyze")
    assert triggered["status"] == "triggered" and isinstance(triggered["message"], str)
    checks += 1

    print(f"{checks} passed, 0 failed")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"))
