#!/usr/bin/python3
"""Fetches a section-host's /metrics and parses it with Debian's python3-prometheus-client, the
parser Prometheus's own Python client uses. Prints one JSON object: every sample as
"name{label="value",...}" (labels sorted) to its value, and "__families__" to each family's
type. Exits 1 when the text does not parse.

usage: parse_metrics.py http://127.0.0.1:PORT/metrics [TOKEN]
"""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main():
    request = urllib.request.Request(sys.argv[1])
    if len(sys.argv) > 2:
        request.add_header("Authorization", "Bearer " + sys.argv[2])
    with urllib.request.urlopen(request, timeout=10) as response:
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode("utf-8")
    if not content_type.startswith("text/plain; version=0.0.4"):
        print("unexpected Content-Type: " + content_type, file=sys.stderr)
        return 1
    samples = {}
    families = {}
    try:
        for family in text_string_to_metric_families(text):
            families[family.name] = family.type
            for sample in family.samples:
                labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(sample.labels.items()))
                samples["%s{%s}" % (sample.name, labels)] = sample.value
    except Exception as error:  # the parser raises ValueError and others for bad text
        print("the metrics do not parse: %s" % error, file=sys.stderr)
        return 1
    samples["__families__"] = families
    print(json.dumps(samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
