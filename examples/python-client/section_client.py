#!/usr/bin/python3
"""A section-host client in Python: reads a table and watches for new versions.

    generate.sh <prefix>/share/section-host/proto stubs      # once: the messages and stubs
    PYTHONPATH=stubs section_client.py --host 127.0.0.1:50051 table financial-by-component-rb
    PYTHONPATH=stubs section_client.py --host 127.0.0.1:50051 watch --count 3

Uses Debian's python3-grpcio. Exit status: 0 success, 1 the host refused or could not be
reached (the gRPC status is printed), 2 a usage error.
"""
import argparse
import sys

import grpc

from section.v1 import section_service_pb2 as service
from section.v1 import section_service_pb2_grpc as service_grpc

DEADLINE_SECONDS = 10


def cell_value(cell):
    """A cell as a plain value: integer dollars, posts or counts; a decimal as text; or text."""
    kind = cell.WhichOneof("value")
    if kind == "integer":
        return str(cell.integer)
    if kind == "decimal":
        # Exact: units scaled by 10^scale, printed without floating point.
        units, scale = cell.decimal.units, cell.decimal.scale
        if scale == 0:
            return str(units)
        sign = "-" if units < 0 else ""
        digits = str(abs(units)).rjust(scale + 1, "0")
        return f"{sign}{digits[:-scale]}.{digits[-scale:]}"
    if kind == "text":
        return cell.text
    return ""


def print_table(stub, table_id):
    table = stub.GetTable(service.GetTableRequest(id=table_id), timeout=DEADLINE_SECONDS)
    print(f"{table.title} (version {table.version})")
    keys = [column.key for column in table.columns]
    print("\t".join(["row"] + keys))
    for row in table.rows:
        print("\t".join([row.label] + [cell_value(row.cells[key]) if key in row.cells else "" for key in keys]))
    for note in table.notes:
        print(f"note: {note}")


def watch(stub, count):
    """Prints each version as the host publishes it: first the current one, then every new one."""
    seen = 0
    # No deadline: a watch lasts until it has seen `count` versions or the host ends it.
    for event in stub.Watch(service.WatchRequest()):
        serving = sum(1 for component in event.components if component.state == service.SERVING)
        print(f"version {event.version}: {event.reason} ({serving} of {len(event.components)} components serving)",
              flush=True)
        seen += 1
        if count and seen >= count:
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1:50051", help="section-host address (default 127.0.0.1:50051)")
    commands = parser.add_subparsers(dest="command", required=True)
    table = commands.add_parser("table", help="print one table")
    table.add_argument("id", help="a table id, e.g. financial-by-component-rb")
    watching = commands.add_parser("watch", help="print versions as they are published")
    watching.add_argument("--count", type=int, default=0, help="stop after this many versions (0: never)")
    args = parser.parse_args()

    with grpc.insecure_channel(args.host) as channel:
        stub = service_grpc.SectionServiceStub(channel)
        try:
            if args.command == "table":
                print_table(stub, args.id)
            else:
                watch(stub, args.count)
        except grpc.RpcError as error:
            print(f"section_client: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
