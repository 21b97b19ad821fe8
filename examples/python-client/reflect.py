#!/usr/bin/python3
"""A generic gRPC client that knows no section-host proto: it learns the API by server reflection.

    PYTHONPATH=stubs reflect.py --host 127.0.0.1:50051 list
    PYTHONPATH=stubs reflect.py --host 127.0.0.1:50051 describe section.v1.SectionService
    PYTHONPATH=stubs reflect.py --host 127.0.0.1:50051 call section.v1.SectionService/GetTable '{"id": "evolution"}'

This is what generic tools (grpcurl, grpcui, Postman) do with section-host's reflection service.
Only the reflection protocol's own stubs are generated (generate.sh); every section.v1 type is
built at run time from the descriptors the host sends. Exit status: 0, 1 (gRPC error), 2 (usage).
"""
import argparse
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf import message_factory

from reflection_client import reflection_pb2 as reflection
from reflection_client import reflection_pb2_grpc as reflection_grpc

DEADLINE_SECONDS = 10


class Reflection:
    def __init__(self, channel):
        self._stub = reflection_grpc.ServerReflectionStub(channel)
        self.pool = descriptor_pool.DescriptorPool()
        self._added = set()

    def _ask(self, **request):
        responses = self._stub.ServerReflectionInfo(iter([reflection.ServerReflectionRequest(**request)]),
                                                    timeout=DEADLINE_SECONDS)
        response = next(responses)
        if response.HasField("error_response"):
            raise LookupError(response.error_response.error_message)
        return response

    def services(self):
        return sorted(s.name for s in self._ask(list_services="").list_services_response.service)

    def _add_files(self, serialized_files):
        files = [descriptor_pb2.FileDescriptorProto.FromString(data) for data in serialized_files]
        pending = {f.name: f for f in files if f.name not in self._added}
        # Add each file after its dependencies; a dependency not sent yet is asked for by name.
        while pending:
            for name, proto in list(pending.items()):
                missing = [d for d in proto.dependency if d not in self._added and d not in pending]
                for dependency in missing:
                    for data in self._ask(file_by_filename=dependency).file_descriptor_response.file_descriptor_proto:
                        extra = descriptor_pb2.FileDescriptorProto.FromString(data)
                        if extra.name not in self._added:
                            pending.setdefault(extra.name, extra)
                if all(d in self._added for d in proto.dependency):
                    self.pool.Add(proto)
                    self._added.add(name)
                    del pending[name]

    def service(self, name):
        self._add_files(self._ask(file_containing_symbol=name).file_descriptor_response.file_descriptor_proto)
        return self.pool.FindServiceByName(name)


def message_class(descriptor):
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory().GetPrototype(descriptor)


def call(channel, reflection_client, target, body):
    service_name, _, method_name = target.partition("/")
    method = reflection_client.service(service_name).FindMethodByName(method_name)
    if method is None:
        raise LookupError(f"{service_name} has no method {method_name}")
    request_class = message_class(method.input_type)
    response_class = message_class(method.output_type)
    request = json_format.Parse(body or "{}", request_class())
    path = f"/{service_name}/{method_name}"
    kwargs = dict(request_serializer=request_class.SerializeToString, response_deserializer=response_class.FromString)
    if method.server_streaming:
        # Streams run until the host ends them; print the first response only.
        stream = channel.unary_stream(path, **kwargs)(request)
        responses = [next(stream)]
        stream.cancel()
    else:
        responses = [channel.unary_unary(path, **kwargs)(request, timeout=DEADLINE_SECONDS)]
    for response in responses:
        print(json_format.MessageToJson(response, preserving_proto_field_name=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1:50051")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="the services the host serves")
    describe = commands.add_parser("describe", help="the methods of one service")
    describe.add_argument("service")
    calling = commands.add_parser("call", help="call a method with a JSON request")
    calling.add_argument("method", help="SERVICE/METHOD, e.g. section.v1.SectionService/GetTable")
    calling.add_argument("body", nargs="?", default="{}", help="the request as JSON")
    args = parser.parse_args()

    with grpc.insecure_channel(args.host) as channel:
        client = Reflection(channel)
        try:
            if args.command == "list":
                print("\n".join(client.services()))
            elif args.command == "describe":
                for method in client.service(args.service).methods:
                    stream = "stream " if method.server_streaming else ""
                    print(f"rpc {method.name}({method.input_type.full_name}) returns ({stream}{method.output_type.full_name})")
            else:
                call(channel, client, args.method, args.body)
        except grpc.RpcError as error:
            print(f"reflect: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
        except (LookupError, KeyError, json_format.ParseError) as error:
            print(f"reflect: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
