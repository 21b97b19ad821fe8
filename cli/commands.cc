#include "cli/commands.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <optional>
#include <iomanip>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <google/protobuf/util/time_util.h>

#include "cli/export_files.h"
#include "cli/json.h"
#include "cli/status_format.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "host/config/host_config.h"
#include "host/core/money.h"
#include "host/security/token_hash.h"
#include "section/sdk/vocabulary.h"
#include "section/v1/admin_service.grpc.pb.h"
#include "section/v1/report_service.grpc.pb.h"
#include "section/v1/section_service.grpc.pb.h"

namespace section::cli {
namespace {

using section::v1::SectionService;

// Every call goes through here: its deadline (none for a stream that runs until it is
// cancelled), and the client's bearer token when it has one.
void prepare(grpc::ClientContext& context, const Client& client, std::optional<std::chrono::milliseconds> deadline) {
  if (deadline) context.set_deadline(std::chrono::system_clock::now() + *deadline);
  if (!client.token.empty()) context.AddMetadata("authorization", "Bearer " + client.token);
  if (!client.language.empty()) context.AddMetadata("accept-language", client.language);
}

void prepare(grpc::ClientContext& context, const Client& client) { prepare(context, client, client.deadline); }

// One unary call of SectionService with the client's deadline.
template <typename Request, typename Response>
grpc::Status invoke(const Client& client,
                    grpc::Status (SectionService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
  auto stub = SectionService::NewStub(client.channel);
  grpc::ClientContext context;
  prepare(context, client);
  return (stub.get()->*method)(&context, request, response);
}

// GetSection, and the language the host answered in (its content-language; English without one).
grpc::Status get_section(const Client& client, section::v1::Section* section, std::string* language) {
  auto stub = SectionService::NewStub(client.channel);
  grpc::ClientContext context;
  prepare(context, client);
  grpc::Status status = stub->GetSection(&context, {}, section);
  const auto& metadata = context.GetServerInitialMetadata();
  const auto found = metadata.find("content-language");
  *language = found == metadata.end() ? "en" : std::string(found->second.data(), found->second.size());
  return status;
}

int report(const grpc::Status& status, const Client& client) {
  std::string code;
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND: code = "NOT_FOUND"; break;
    case grpc::StatusCode::INVALID_ARGUMENT: code = "INVALID_ARGUMENT"; break;
    case grpc::StatusCode::UNAVAILABLE: code = "UNAVAILABLE"; break;
    case grpc::StatusCode::FAILED_PRECONDITION: code = "FAILED_PRECONDITION"; break;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: code = "RESOURCE_EXHAUSTED"; break;
    case grpc::StatusCode::DEADLINE_EXCEEDED: code = "DEADLINE_EXCEEDED"; break;
    case grpc::StatusCode::CANCELLED: code = "CANCELLED"; break;
    case grpc::StatusCode::UNAUTHENTICATED: code = "UNAUTHENTICATED"; break;
    case grpc::StatusCode::PERMISSION_DENIED: code = "PERMISSION_DENIED"; break;
    case grpc::StatusCode::ALREADY_EXISTS: code = "ALREADY_EXISTS"; break;
    case grpc::StatusCode::INTERNAL: code = "INTERNAL"; break;
    case grpc::StatusCode::UNIMPLEMENTED: code = "UNIMPLEMENTED"; break;
    default: code = "error " + std::to_string(status.error_code()); break;
  }
  std::cerr << "section-ctl: " << code << ": " << status.error_message() << "\n";
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE || status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    std::cerr << "section-ctl: is section-host running there? (--host ADDR or $SECTION_HOST)\n";
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      std::cerr << "section-ctl: does it speak TLS (--tls or --ca FILE), or ask for a client certificate (--cert, --key)?\n";
    }
  }
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && client.token.empty()) {
    std::cerr << "section-ctl: give a token with --token-file FILE, --token TOKEN or $SECTION_TOKEN\n";
  }
  return 1;
}

std::string to_json(const google::protobuf::Message& message) { return print(message_json(message)); }

// One pass over every query the export needs. A table that is gone by the time it is asked for
// means the section changed: `changed` is set and the caller tries again.
grpc::Status fetch_export(const Client& client, SectionExport& data, bool& changed) {
  data = {};
  changed = false;
  if (auto s = invoke(client, &SectionService::Stub::GetStatus, {}, &data.status); !s.ok()) return s;
  if (auto s = get_section(client, &data.section, &data.language); !s.ok()) return s;
  if (auto s = invoke(client, &SectionService::Stub::ListTables, {}, &data.index); !s.ok()) return s;
  for (const auto& info : data.index.tables()) {
    section::v1::GetTableRequest request;
    request.set_id(info.id());
    const grpc::Status s = invoke(client, &SectionService::Stub::GetTable, request, &data.tables.emplace_back());
    if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
      changed = true;
      return grpc::Status::OK;
    }
    if (!s.ok()) return s;
  }
  if (auto s = invoke(client, &SectionService::Stub::ListMeasures, {}, &data.measures); !s.ok()) return s;
  return invoke(client, &SectionService::Stub::ListDeliverables, {}, &data.deliverables);
}

// The same as report(status, client), for the functions named report themselves.
int refused(const grpc::Status& status, const Client& client) { return report(status, client); }

// "48", "-3", "12.5": a Decimal with at most 6 decimals; false for anything else.
bool parse_decimal(const std::string& text, section::v1::Decimal* decimal) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  std::int64_t units = 0;
  std::uint32_t scale = 0;
  bool digits = false;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c)) || units > 100'000'000'000'000LL) return false;
    units = units * 10 + (c - '0');
    digits = true;
    if (point && ++scale > 6) return false;
  }
  if (!digits) return false;
  decimal->set_units(negative ? -units : units);
  decimal->set_scale(scale);
  return true;
}

bool parse_kind(const std::string& word, section::v1::ValueKind* kind) {
  if (word == "actual") *kind = section::v1::ACTUAL;
  else if (word == "planned") *kind = section::v1::PLANNED;
  else return false;
  return true;
}

// A fresh idempotency key: "ctl-" and 32 random hex digits.
std::string new_idempotency_key() {
  std::random_device random;
  std::ostringstream key;
  key << "ctl-" << std::hex;
  for (int i = 0; i < 4; ++i) key << std::setw(8) << std::setfill('0') << random();
  return key.str();
}

std::string value_text(const section::v1::FigureValue& value) {
  if (!value.present()) return "none";
  std::string text;
  if (value.has_number()) text = vocabulary::decimal_text(value.number());
  if (value.has_count()) text = std::to_string(value.count());
  if (!value.text().empty()) text += (text.empty() ? "" : " ") + ("\"" + value.text() + "\"");
  return text;
}

std::string figure_text(const section::v1::FigureRef& figure) {
  const bool measure = figure.figure_case() == section::v1::FigureRef::kMeasure;
  return figure.component() + (measure ? " measure " + figure.measure() : " deliverable " + figure.deliverable()) + " " +
         std::to_string(figure.year()) + " " + (figure.kind() == section::v1::PLANNED ? "planned" : "actual");
}

}  // namespace

int list_tables(const Client& client, std::ostream& out) {
  section::v1::ListTablesResponse response;
  const grpc::Status status = invoke(client, &SectionService::Stub::ListTables, {}, &response);
  if (!status.ok()) return report(status, client);
  std::size_t width = 0;
  for (const auto& table : response.tables()) width = std::max(width, table.id().size());
  for (const auto& table : response.tables()) {
    out << table.id() << std::string(width + 2 - table.id().size(), ' ')
        << (table.source().empty() ? "" : table.source() + ": ") << table.title() << "\n";
  }
  return 0;
}

int show_table(const Client& client, const std::string& id, Format format, std::ostream& out) {
  section::v1::GetTableRequest request;
  request.set_id(id);
  section::v1::Table table;
  const grpc::Status status = invoke(client, &SectionService::Stub::GetTable, request, &table);
  if (!status.ok()) return report(status, client);
  out << render(table, format);
  return 0;
}

int list_measures(const Client& client, const std::string& component, int year, bool json, std::ostream& out) {
  section::v1::ListMeasuresRequest request;
  request.set_component(component);
  request.set_year(year);
  section::v1::ListMeasuresResponse response;
  const grpc::Status status = invoke(client, &SectionService::Stub::ListMeasures, request, &response);
  if (!status.ok()) return report(status, client);
  if (json) {
    out << to_json(response);
    return 0;
  }
  std::string last_component, last_result;
  bool transcribed = false;
  for (const auto& entry : response.measures()) {
    if (entry.component() != last_component) {
      out << (last_component.empty() ? "" : "\n") << "[" << entry.component() << "]\n";
      last_component = entry.component();
      last_result.clear();
    }
    const std::string result = entry.result_id().empty() ? "Compliance" : entry.result_title();
    if (result != last_result) {
      out << "  " << result << "\n";
      last_result = result;
    }
    const bool title_transcribed = entry.measure().provenance().title_transcribed();
    transcribed = transcribed || title_transcribed;
    out << "    " << entry.measure().title() << transcribed_suffix(title_transcribed) << "\n";
    for (const auto& value : entry.measure().values()) {
      out << "      " << value.year() << " " << vocabulary::value_kind_word(value.kind()) << ": " << measure_value_text(value, entry.measure().unit()) << "\n";
    }
  }
  if (transcribed) out << "\n" << kTranscribedLegend << "\n";
  return 0;
}

int list_deliverables(const Client& client, const std::string& component, int year, bool json, std::ostream& out) {
  section::v1::ListDeliverablesRequest request;
  request.set_component(component);
  request.set_year(year);
  section::v1::ListDeliverablesResponse response;
  const grpc::Status status = invoke(client, &SectionService::Stub::ListDeliverables, request, &response);
  if (!status.ok()) return report(status, client);
  if (json) {
    out << to_json(response);
    return 0;
  }
  std::string last_component;
  for (const auto& entry : response.deliverables()) {
    if (entry.component() != last_component) {
      out << (last_component.empty() ? "" : "\n") << "[" << entry.component() << "]\n";
      last_component = entry.component();
    }
    const auto& d = entry.deliverable();
    out << "  " << d.category() << ". " << d.subcategory() << (d.title().empty() ? "" : ": " + d.title()) << "\n";
    for (const auto& count : d.counts()) {
      out << "      " << count.year() << " " << vocabulary::value_kind_word(count.kind()) << ": " << count.count() << "\n";
    }
    if (!d.description().empty()) {
      for (const auto& line : wrap(d.description(), 94)) out << "      " << line << "\n";
    }
  }
  return 0;
}

int show_status(const Client& client, bool json, std::ostream& out) {
  section::v1::HostStatus status_message;
  const grpc::Status status = invoke(client, &SectionService::Stub::GetStatus, {}, &status_message);
  if (!status.ok()) return report(status, client);
  if (json) {
    out << to_json(status_message);
    return 0;
  }
  out << "section-host " << status_message.host_version() << " (plugin ABI " << status_message.plugin_abi_version()
      << ") on " << status_message.listen_address() << "\n"
      << "config:   " << status_message.config_path() << "\n"
      << "started:  " << google::protobuf::util::TimeUtil::ToString(status_message.started_at()) << "\n"
      << "section:  " << status_message.section().number() << ", " << status_message.section().title() << " — "
      << status_message.section().budget() << "\n"
      << "version:  " << status_message.version() << "\n"
      << "reports:  " << (status_message.storage().empty() ? "-" : status_message.storage()) << "\n"
      << "reconciliation: " << status_message.reconciliation_differences()
      << " printed figure(s) differ from the computed ones (section-ctl table reconciliation)\n\n"
      << "components:\n";
  out << status_lines(status_message.components());
  return 0;
}

int reload(const Client& client, std::ostream& out) {
  auto stub = section::v1::AdminService::NewStub(client.channel);
  grpc::ClientContext context;
  prepare(context, client);
  section::v1::ReloadResponse response;
  const grpc::Status status = stub->Reload(&context, section::v1::ReloadRequest(), &response);
  if (!status.ok()) return report(status, client);
  auto list = [](const google::protobuf::RepeatedPtrField<std::string>& ids) {
    std::string text;
    for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
    return text.empty() ? std::string("none") : text;
  };
  out << "reloaded: version " << response.version() << "\n"
      << "started: " << list(response.started()) << "\n"
      << "stopped: " << list(response.stopped()) << "\n"
      << "kept:    " << list(response.kept()) << "\n";
  return 0;
}

int watch(const Client& client, int count, bool json, std::ostream& out) {
  auto stub = SectionService::NewStub(client.channel);
  grpc::ClientContext context;
  prepare(context, client, std::nullopt);
  auto reader = stub->Watch(&context, {});
  section::v1::WatchEvent event;
  int seen = 0;
  while (reader->Read(&event)) {
    if (json) {
      out << print_line(message_json(event));  // one JSON object per line
    } else {
      int serving = 0;
      for (const auto& c : event.components()) serving += c.state() == section::v1::SERVING;
      out << "version " << event.version() << " at " << google::protobuf::util::TimeUtil::ToString(event.published_at())
          << ": " << event.reason() << " (" << serving << " of " << event.components_size() << " components serving)\n";
    }
    out.flush();
    if (count > 0 && ++seen >= count) {
      context.TryCancel();
      break;
    }
  }
  const grpc::Status status = reader->Finish();
  if (count > 0 && seen >= count) return 0;
  if (!status.ok()) return report(status, client);
  return 0;
}

int overview(const Client& client, std::ostream& out) {
  section::v1::HostStatus host;
  if (const grpc::Status status = invoke(client, &SectionService::Stub::GetStatus, {}, &host); !status.ok()) {
    return report(status, client);
  }
  std::map<std::string, section::v1::Table> tables;
  for (const char* id : {"financial-by-component-rb", "financial-by-component-xb", "posts-by-component-rb",
                         "posts-by-component-xb", "reconciliation"}) {
    section::v1::GetTableRequest request;
    request.set_id(id);
    const grpc::Status status = invoke(client, &SectionService::Stub::GetTable, request, &tables[id]);
    if (!status.ok()) return report(status, client);
  }
  auto cell = [&](const char* table, const std::string& row, const std::string& column) -> std::int64_t {
    for (const auto& r : tables[table].rows()) {
      if (r.key() != row) continue;
      const auto found = r.cells().find(column);
      if (found != r.cells().end() && found->second.value_case() == section::v1::Cell::kInteger) return found->second.integer();
    }
    return 0;
  };
  const auto& info = host.section();
  out << "Section " << info.number() << ": " << info.title() << "\n"
      << info.budget() << (info.part().empty() ? "" : " — " + info.part()) << (info.programme().empty() ? "" : " — " + info.programme())
      << "\nServed by section-host " << host.host_version() << " on " << host.listen_address() << ", version " << host.version()
      << "\n\n";
  const int year = info.budget_year();
  out << "Regular budget " << year << " (before recosting): " << money::dollars_in_words(cell("financial-by-component-rb", "subtotal", "estimate"))
      << " (change " << money::dollars_in_words(cell("financial-by-component-rb", "subtotal", "total_change")) << " from "
      << year - 1 << "), " << cell("posts-by-component-rb", "subtotal", "proposed") << " posts\n"
      << "Extrabudgetary " << year << ":                    "
      << money::dollars_in_words(cell("financial-by-component-xb", "subtotal", "estimate")) << ", "
      << cell("posts-by-component-xb", "subtotal", "estimate") << " posts\n"
      << "Total resources " << year << ":                   " << money::dollars_in_words(cell("financial-by-component-xb", "total", "estimate"))
      << ", " << cell("posts-by-component-xb", "total", "estimate") << " posts\n\n";
  out << "Components:\n";
  out << overview_lines(host.components());
  out << "\n" << render(tables["financial-by-component-rb"], Format::kText) << "\n"
      << render(tables["financial-by-component-xb"], Format::kText) << "\n";
  const int differences = host.reconciliation_differences();
  out << "Reconciliation: " << differences << " printed figure" << (differences == 1 ? "" : "s")
      << " differ" << (differences == 1 ? "s" : "") << " from the figures computed from the components.\n";
  if (differences > 0) out << "\n" << render(tables["reconciliation"], Format::kText);
  out << "\nMore: section-ctl tables | table ID [--format text|json|csv|md] | measures | deliverables | status | watch\n"
      << "      section-ctl export --format html --output section.html  (the whole section as one page)\n";
  return 0;
}

int export_section(const Client& client, ExportFormat format, const std::string& output, std::ostream& out) {
  // A plugin may republish while the export is fetched: every part must be of one version.
  constexpr int kAttempts = 3;
  SectionExport data;
  for (int attempt = 1;; ++attempt) {
    bool changed = false;
    if (const grpc::Status status = fetch_export(client, data, changed); !status.ok()) return report(status, client);
    const VersionRange versions = version_range(data);
    if (!changed && versions.consistent()) break;
    if (attempt == kAttempts) {
      std::cerr << "section-ctl: the section changed while it was being exported";
      if (!versions.consistent()) std::cerr << " (versions " << versions.low << " to " << versions.high << ")";
      std::cerr << ", " << kAttempts << " times in a row; nothing was written. Try again later.\n";
      return 1;
    }
  }
  std::optional<std::string> failed;
  if (format == ExportFormat::kCsv) {
    failed = write_csv_directory(output, export_csv(data));
  } else {
    const std::string text = format == ExportFormat::kHtml       ? export_html(data)
                              : format == ExportFormat::kJson    ? export_json(data)
                                                                 : export_markdown(data);
    if (output.empty()) {
      out << text;
    } else {
      failed = write_text_file(output, text);
    }
  }
  if (failed) {
    std::cerr << "section-ctl: " << *failed << "\n";
    return 1;
  }
  return 0;
}

int report(const Client& client, const ReportArgs& args, bool json, std::ostream& out, std::ostream& err) {
  auto usage = [&](const std::string& message) {
    err << "section-ctl: report: " << message << "\n";
    return 2;
  };
  if (args.component.empty()) return usage("which component? section-ctl report COMPONENT --measure ID ...");
  if (args.measure.empty() == args.deliverable.empty()) return usage("give --measure ID or --deliverable ID");
  if (args.year <= 0) return usage("--year YEAR is required");
  section::v1::ReportValueRequest request;
  auto* figure = request.mutable_figure();
  figure->set_component(args.component);
  figure->set_year(args.year);
  section::v1::ValueKind kind = section::v1::ACTUAL;
  if (!parse_kind(args.kind, &kind)) return usage("--kind is actual or planned, not '" + args.kind + "'");
  figure->set_kind(kind);
  if (!args.measure.empty()) {
    figure->set_measure(args.measure);
    if (args.value.empty() && args.text.empty()) return usage("a measure needs --value NUMBER and/or --text TEXT");
    if (!args.value.empty() && !parse_decimal(args.value, request.mutable_value()->mutable_number())) {
      return usage("--value must be a number such as 48 or 12.5 (at most 6 decimals), not '" + args.value + "'");
    }
    request.mutable_value()->set_text(args.text);
  } else {
    figure->set_deliverable(args.deliverable);
    if (!args.text.empty()) return usage("a deliverable has a count (--value N), not a text");
    section::v1::Decimal count;
    if (!parse_decimal(args.value, &count) || count.scale() != 0) return usage("a deliverable needs --value N, a whole number");
    request.mutable_value()->set_count(count.units());
  }
  request.set_comment(args.comment);
  request.set_idempotency_key(args.idempotency_key.empty() ? new_idempotency_key() : args.idempotency_key);

  auto stub = section::v1::ReportService::NewStub(client.channel);
  grpc::ClientContext context;
  prepare(context, client);
  section::v1::ReportValueResponse response;
  const grpc::Status status = stub->ReportValue(&context, request, &response);
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE || status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      err << "section-ctl: the report may or may not be stored; retry with --idempotency-key " << request.idempotency_key()
          << " to store it at most once\n";
    }
    return refused(status, client);
  }
  if (json) {
    out << to_json(response);
    return 0;
  }
  const auto& change = response.change();
  out << (response.replayed() ? "already stored (a retry): " : "stored: ") << figure_text(change.figure()) << ": "
      << value_text(change.old_value()) << " -> " << value_text(change.new_value()) << "\n"
      << "  sequence " << change.sequence() << ", by " << change.reported_by() << " at "
      << google::protobuf::util::TimeUtil::ToString(change.reported_at())
      << (response.replayed() ? "" : ", served from version " + std::to_string(response.version())) << ", idempotency key "
      << change.idempotency_key() << "\n";
  return 0;
}

int history(const Client& client, const HistoryArgs& args, bool json, std::ostream& out, std::ostream& err) {
  section::v1::ListHistoryRequest request;
  request.set_component(args.component);
  if (!args.measure.empty() && !args.deliverable.empty()) {
    err << "section-ctl: history: give --measure or --deliverable, not both\n";
    return 2;
  }
  if (!args.measure.empty()) request.set_measure(args.measure);
  if (!args.deliverable.empty()) request.set_deliverable(args.deliverable);
  request.set_year(args.year);
  if (!args.kind.empty()) {
    section::v1::ValueKind kind = section::v1::ACTUAL;
    if (!parse_kind(args.kind, &kind)) {
      err << "section-ctl: history: --kind is actual or planned, not '" << args.kind << "'\n";
      return 2;
    }
    request.set_kind(kind);
  }
  // Page by page, so that no answer outgrows the channel's receive limit; printed as one list.
  constexpr std::uint32_t kPage = 1000;
  request.set_page_size(kPage);
  auto stub = section::v1::ReportService::NewStub(client.channel);
  section::v1::ListHistoryResponse response;
  do {
    grpc::ClientContext context;
    prepare(context, client);
    section::v1::ListHistoryResponse page;
    const grpc::Status status = stub->ListHistory(&context, request, &page);
    if (!status.ok()) return refused(status, client);
    for (auto& change : *page.mutable_changes()) *response.add_changes() = std::move(change);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  if (json) {
    out << to_json(response);
    return 0;
  }
  if (response.changes().empty()) {
    out << "no reported figures" << (args.component.empty() ? "" : " for " + args.component) << "\n";
    return 0;
  }
  for (const auto& change : response.changes()) {
    out << "#" << change.sequence() << " " << google::protobuf::util::TimeUtil::ToString(change.reported_at()) << " "
        << change.reported_by() << ": " << figure_text(change.figure()) << ": " << value_text(change.old_value()) << " -> "
        << value_text(change.new_value()) << (change.comment().empty() ? "" : " (" + change.comment() + ")") << "\n";
  }
  return 0;
}

int wait_until_serving(const Client& client, std::chrono::milliseconds timeout, std::ostream& out) {
  auto stub = grpc::health::v1::Health::NewStub(client.channel);
  const auto until = std::chrono::steady_clock::now() + timeout;
  grpc::Status last;
  while (std::chrono::steady_clock::now() < until) {
    grpc::ClientContext context;
    context.set_wait_for_ready(true);
    prepare(context, client, std::chrono::milliseconds(500));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    last = stub->Check(&context, request, &response);
    if (last.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      out << "SERVING\n";
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::cerr << "section-ctl: the host did not report SERVING within " << timeout.count() << " ms"
            << (last.ok() ? "" : ": " + last.error_message()) << "\n";
  return 1;
}

int new_token(const std::string& name, const std::string& role, const std::string& components, bool has_components,
              std::ostream& out, std::ostream& err) {
  auto refuse = [&](const std::string& message) {
    err << "section-ctl: token new: " << message << "\n";
    return 2;
  };
  if (name.empty()) return refuse("--name is required: who uses the token (shown as reported_by and in the log)");
  if (!config::valid_id(name)) {
    return refuse("'" + name + "' is not a valid token name (lower-case letters, digits, '_' or '-', starting with a letter)");
  }
  if (role.empty()) return refuse("--role is required: reader, reporter or admin");
  if (role != "reader" && role != "reporter" && role != "admin") {
    return refuse("unknown role '" + role + "' (reader, reporter or admin)");
  }
  std::vector<std::string> ids;
  if (has_components) {
    if (role != "reporter") return refuse("only a reporter has components (its scope)");
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = components.find(',', start);
      const std::string id = components.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!config::valid_id(id)) return refuse("'" + id + "' is not a valid component id");
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (role == "reporter" && ids.empty()) {
    return refuse("a reporter needs --components: the ids of the components it may report for");
  }

  const std::string token = security::new_token();
  out << "token: " << token << "\n"
      << "\n"
      << "This is the only time the token is shown: the host keeps only its hash. Give it to its user,\n"
      << "e.g. in a file only they can read, for section-ctl --token-file FILE.\n"
      << "\n"
      << "Add this entry under auth: tokens: in the host's configuration:\n"
      << "\n"
      << "    - name: " << name << "\n"
      << "      role: " << role << "\n";
  if (!ids.empty()) {
    out << "      components: [";
    for (std::size_t i = 0; i < ids.size(); ++i) out << (i == 0 ? "" : ", ") << ids[i];
    out << "]\n";
  }
  out << "      hash: " << security::hash_token(token).to_config() << "\n";
  return 0;
}

}  // namespace section::cli
