#include "cli/status_format.h"

#include <algorithm>

#include <google/protobuf/util/time_util.h>

namespace section::cli {
namespace {

constexpr std::size_t kMinIdWidth = 8;

std::string id_cell(const std::string& id, std::size_t column) {
  return "  " + id + std::string(column - 2 - id.size(), ' ');
}

std::string timestamp(const google::protobuf::Timestamp& time) { return google::protobuf::util::TimeUtil::ToString(time); }

}  // namespace

std::string state_word(section::v1::ComponentState state) {
  switch (state) {
    case section::v1::SERVING: return "serving";
    case section::v1::DISABLED: return "disabled";
    case section::v1::FAILED: return "FAILED";
    case section::v1::STALE: return "STALE";
    default: return "unknown";
  }
}

std::size_t state_column(const ComponentStatuses& components) {
  std::size_t widest = kMinIdWidth;
  for (const auto& component : components) widest = std::max(widest, component.id().size());
  return 2 + widest + 2;
}

std::string status_lines(const ComponentStatuses& components) {
  const std::size_t column = state_column(components);
  const std::string indent(column, ' ');
  std::string out;
  for (const auto& component : components) {
    out += id_cell(component.id(), column) + state_word(component.state());
    if (!component.title().empty()) out += "  " + component.title();
    if (!component.isolation().empty() && component.isolation() != "in_process") out += "  [" + component.isolation() + "]";
    out += "\n";
    if (component.restarts() > 0) out += indent + "restarted " + std::to_string(component.restarts()) + " time(s)\n";
    if (component.has_stale_since()) {
      out += indent + "stale since " + timestamp(component.stale_since()) + "; serving its snapshot of " +
             timestamp(component.published_at()) + "\n";
    }
    if (component.crash_looping()) out += indent + "CRASH-LOOPING: the host stopped restarting it\n";
    if (!component.reason().empty()) out += indent + component.reason() + "\n";
  }
  return out;
}

std::string overview_lines(const ComponentStatuses& components) {
  const std::size_t column = state_column(components);
  std::string out;
  for (const auto& component : components) {
    out += id_cell(component.id(), column) + state_word(component.state()) + "  " +
           (component.title().empty() ? component.reason() : component.title()) + "\n";
  }
  return out;
}

}  // namespace section::cli
