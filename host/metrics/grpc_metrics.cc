#include "host/metrics/grpc_metrics.h"

#include <algorithm>

#include <google/protobuf/descriptor.h>

#include "section/v1/admin_service.pb.h"
#include "section/v1/report_service.pb.h"
#include "section/v1/section_service.pb.h"

namespace section::metrics {
namespace {

std::string type_of(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming()) return method.server_streaming() ? "bidi_stream" : "client_stream";
  return method.server_streaming() ? "server_stream" : "unary";
}

constexpr const char* kCodeNames[MethodStats::kCodes] = {
    "OK",        "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL",        "UNAVAILABLE",       "DATA_LOSS",        "UNAUTHENTICATED"};

}  // namespace

const char* code_name(int code) { return code >= 0 && code < MethodStats::kCodes ? kCodeNames[code] : "UNKNOWN"; }

const std::vector<double>& handling_bounds() {
  static const std::vector<double> bounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                             0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return bounds;
}

void MethodStats::finished(int code, std::chrono::nanoseconds took) {
  // Release: a scrape that sees this call handled (an acquire load) sees it started too. An
  // atomic addition costs the same either way on x86.
  handled[code >= 0 && code < kCodes ? code : 2].fetch_add(1, std::memory_order_release);
  const double seconds = std::chrono::duration<double>(took).count();
  const auto& bounds = handling_bounds();
  const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  buckets[bucket].fetch_add(1, std::memory_order_release);
  handling_ns.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
}

GrpcMetrics::GrpcMetrics() {
  // Through the generated messages, so that the descriptors are linked in wherever this is.
  for (const auto* file : {section::v1::GetTableRequest::descriptor()->file(), section::v1::ReportValueRequest::descriptor()->file(),
                           section::v1::ReloadRequest::descriptor()->file()}) {
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int i = 0; i < service->method_count(); ++i) {
        add(service->full_name(), service->method(i)->name(), type_of(*service->method(i)));
      }
    }
  }
  add("grpc.health.v1.Health", "Check", "unary");
  add("grpc.health.v1.Health", "Watch", "server_stream");
}

void GrpcMetrics::add(const std::string& service, const std::string& method, const std::string& type) {
  auto stats = std::make_unique<MethodStats>(handling_bounds().size() + 1);
  stats->service = service;
  stats->method = method;
  stats->type = type;
  by_path_["/" + service + "/" + method] = stats.get();
  methods_.push_back(std::move(stats));
}

MethodStats* GrpcMetrics::find(const char* path) const {
  if (path == nullptr) return nullptr;
  const auto found = by_path_.find(path);
  return found == by_path_.end() ? nullptr : found->second;
}

namespace {

// One method's counts as a scrape reads them: handled and the histogram first, then started, so
// that a call counted while the scrape runs never shows as handled but not started.
struct Snapshot {
  std::array<std::uint64_t, MethodStats::kCodes> handled{};
  std::vector<std::uint64_t> buckets;
  double seconds = 0;
  std::uint64_t started = 0;
};

Snapshot snapshot_of(const MethodStats& m) {
  Snapshot snapshot;
  for (int code = 0; code < MethodStats::kCodes; ++code) snapshot.handled[code] = m.handled[code].load(std::memory_order_acquire);
  for (const auto& bucket : m.buckets) snapshot.buckets.push_back(bucket.load(std::memory_order_acquire));
  snapshot.seconds = static_cast<double>(m.handling_ns.load(std::memory_order_relaxed)) / 1e9;
  snapshot.started = m.started.load(std::memory_order_relaxed);
  return snapshot;
}

}  // namespace

void GrpcMetrics::write(Exposition& out) const {
  std::vector<Snapshot> snapshots;
  for (const auto& m : methods_) snapshots.push_back(snapshot_of(*m));
  out.family("grpc_server_started_total", "counter", "RPCs started on the server.");
  for (std::size_t i = 0; i < methods_.size(); ++i) {
    const auto& m = methods_[i];
    out.sample("grpc_server_started_total", {{"grpc_method", m->method}, {"grpc_service", m->service}, {"grpc_type", m->type}},
               static_cast<double>(snapshots[i].started));
  }
  out.family("grpc_server_handled_total", "counter", "RPCs completed on the server, whatever their status.");
  for (std::size_t i = 0; i < methods_.size(); ++i) {
    const auto& m = methods_[i];
    for (int code = 0; code < MethodStats::kCodes; ++code) {
      if (snapshots[i].handled[code] == 0) continue;
      out.sample("grpc_server_handled_total",
                 {{"grpc_code", code_name(code)}, {"grpc_method", m->method}, {"grpc_service", m->service}, {"grpc_type", m->type}},
                 static_cast<double>(snapshots[i].handled[code]));
    }
  }
  out.family("grpc_server_handling_seconds", "histogram", "Time from an RPC's start to its status, in seconds.");
  for (std::size_t i = 0; i < methods_.size(); ++i) {
    const auto& m = methods_[i];
    out.histogram("grpc_server_handling_seconds", {{"grpc_method", m->method}, {"grpc_service", m->service}, {"grpc_type", m->type}},
                  handling_bounds(), snapshots[i].buckets, snapshots[i].seconds);
  }
}

}  // namespace section::metrics
