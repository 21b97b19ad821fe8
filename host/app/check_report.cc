#include "host/app/check_report.h"

#include <algorithm>
#include <sstream>

namespace section::app {
namespace {

const char* state_word(section::v1::ComponentState state) {
  switch (state) {
    case section::v1::SERVING: return "serving";
    case section::v1::DISABLED: return "disabled";
    case section::v1::FAILED: return "FAILED";
    default: return "unknown";
  }
}

}  // namespace

CheckOutcome check_report(const config::HostConfig& config, const query::PublishedView& view) {
  std::ostringstream out;
  const auto& info = view.section.info();
  out << "configuration " << config.path.string() << ": ok (listen " << config.listen << ", "
      << config.plugins.size() << " plugins)\n";
  out << "section file " << config.section_file.string() << ": ok (Section " << info.number() << ", "
      << info.title() << ", budget year " << info.budget_year() << ")\n";

  std::size_t width = 0;
  for (const auto& status : view.section.component_status()) width = std::max(width, status.id().size());
  int failed = 0;
  int serving = 0;
  for (const auto& status : view.section.component_status()) {
    out << "plugin " << status.id() << std::string(width - status.id().size() + 2, ' ') << state_word(status.state());
    if (status.state() == section::v1::SERVING) {
      ++serving;
      out << "  " << status.title() << " (" << status.library() << ")";
    } else {
      failed += status.state() == section::v1::FAILED;
      out << "  " << status.reason();
    }
    out << "\n";
  }
  out << "tables: " << view.tables.size() << "; reconciliation: " << view.reconciliation_differences
      << " printed figure(s) differ from the computed ones (section-ctl table reconciliation)\n";

  CheckOutcome outcome;
  if (failed > 0) {
    out << "check failed: " << failed << " plugin(s) failed; section-host would serve the other " << serving
        << " component(s) and leave those out\n";
    outcome.exit_code = 1;
  } else {
    out << "check ok: section-host would serve " << serving << " component(s)\n";
  }
  outcome.report = out.str();
  return outcome;
}

}  // namespace section::app
