#!/usr/bin/python3
"""An external section-host plugin written in Python: it serves section.v1.PluginService.

    generate.sh <prefix>/share/section-host/proto stubs          # examples/python-client/
    PYTHONPATH=stubs plugin_server.py --listen unix:/run/visitors.sock --component component.json

and in the host configuration:

    plugins:
      - id: visitors
        endpoint: unix:/run/visitors.sock

The component is a section.v1.Component in the protobuf JSON mapping. When the file changes,
the plugin reads it again and asks the host to republish (a file that does not parse is
reported and the previous component goes on serving). The host validates whatever a plugin
publishes, in any language, exactly as it validates an in-process plugin's component.
"""
import argparse
import os
import queue
import signal
import sys
import threading
import time
from concurrent import futures

import grpc
from google.protobuf import json_format

from section.v1 import model_pb2
from section.v1 import plugin_service_pb2 as plugin
from section.v1 import plugin_service_pb2_grpc as plugin_grpc


def read_component(path):
    with open(path, encoding="utf-8") as file:
        return json_format.Parse(file.read(), model_pb2.Component())


class VisitorsPlugin(plugin_grpc.PluginServiceServicer):
    def __init__(self, component_path):
        self._path = component_path
        self._lock = threading.Lock()
        self._component = read_component(component_path)
        self._started = False
        self._events = queue.Queue()

    def Start(self, request, context):
        # The host's start request: refuse what cannot work, with a reason an admin can act on.
        if request.plugin_id != self._component.id:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                          f"{self._path}: id: '{self._component.id}' does not match the plugin id "
                          f"'{request.plugin_id}' given in the host configuration")
        if request.budget_year and request.budget_year != self._component.budget_year:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                          f"{self._path}: budget_year: the data is for {self._component.budget_year}, "
                          f"the section is for {request.budget_year}")
        unknown = sorted(set(request.settings) - {"greeting"})
        if unknown:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unknown setting '{unknown[0]}' (expected: greeting)")
        self._started = True
        self.log(plugin.LogLine.INFO, f"started for the {request.budget_year} budget from {self._path}")
        return plugin.StartResponse()

    def Publish(self, request, context):
        if not self._started:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "the plugin is not started")
        with self._lock:
            return self._component

    def Events(self, request, context):
        # One stream for as long as the host uses the plugin: log lines and republish requests.
        while context.is_active():
            try:
                yield self._events.get(timeout=0.2)
            except queue.Empty:
                pass

    def log(self, level, message):
        self._events.put(plugin.PluginEvent(log=plugin.LogLine(level=level, message=message)))

    def watch(self, interval=0.2):
        seen = os.stat(self._path).st_mtime_ns
        while True:
            time.sleep(interval)
            try:
                now = os.stat(self._path).st_mtime_ns
            except OSError:
                continue
            if now == seen:
                continue
            seen = now
            try:
                component = read_component(self._path)
            except (OSError, json_format.ParseError) as error:
                self.log(plugin.LogLine.ERROR, f"{self._path}: {error}; the previous component goes on serving")
                continue
            with self._lock:
                self._component = component
            self.log(plugin.LogLine.INFO, f"{self._path} changed; republishing")
            self._events.put(plugin.PluginEvent(republish=plugin.Republish()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="unix:PATH or 127.0.0.1:PORT")
    parser.add_argument("--component", required=True, help="the component, as protobuf JSON")
    args = parser.parse_args()
    try:
        servicer = VisitorsPlugin(args.component)
    except (OSError, json_format.ParseError) as error:
        print(f"plugin_server: {args.component}: {error}", file=sys.stderr)
        return 2
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    plugin_grpc.add_PluginServiceServicer_to_server(servicer, server)
    if server.add_insecure_port(args.listen) == 0:
        print(f"plugin_server: cannot listen on {args.listen}", file=sys.stderr)
        return 1
    server.start()
    threading.Thread(target=servicer.watch, daemon=True).start()
    print(f"plugin_server: serving {args.listen}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    server.stop(grace=1).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
