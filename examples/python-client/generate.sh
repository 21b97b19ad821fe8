#!/usr/bin/env bash
# Generates the Python messages and gRPC stubs of section-host's API from its .proto files.
#   generate.sh PROTO_DIR OUT_DIR
# PROTO_DIR is <prefix>/share/section-host/proto of an installed section-host (or proto/ of the
# source tree). Uses Debian's protoc (protobuf-compiler) and grpc_python_plugin
# (protobuf-compiler-grpc), the same gRPC release as python3-grpcio; the reflection proto comes
# from Debian's grpc-proto, for reflect.py.
set -euo pipefail
proto_dir=${1:?usage: generate.sh PROTO_DIR OUT_DIR}
out=${2:?usage: generate.sh PROTO_DIR OUT_DIR}
grpc_proto=/usr/share/grpc-proto
plugin=$(command -v grpc_python_plugin) || { echo "generate.sh: grpc_python_plugin not found (Debian package protobuf-compiler-grpc)" >&2; exit 1; }
[ -f "$proto_dir/section/v1/section_service.proto" ] || { echo "generate.sh: no section/v1/section_service.proto in $proto_dir" >&2; exit 1; }
mkdir -p "$out"
protoc -I"$proto_dir" --python_out="$out" --grpc_out="$out" --plugin=protoc-gen-grpc="$plugin" "$proto_dir"/section/v1/*.proto
# The reflection client is generated as the module reflection_client.reflection_pb2: under its
# own path, grpc/reflection/..., it would clash with the grpc package itself.
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/reflection_client"
cp "$grpc_proto/grpc/reflection/v1alpha/reflection.proto" "$staging/reflection_client/"
protoc -I"$staging" --python_out="$out" --grpc_out="$out" --plugin=protoc-gen-grpc="$plugin" \
  "$staging/reflection_client/reflection.proto"
echo "generated the section.v1 and grpc.reflection.v1alpha modules in $out" >&2
