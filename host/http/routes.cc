#include "host/http/routes.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "cli/json.h"
#include "host/core/echo.h"
#include "host/http/errors.h"
#include "host/query/language.h"
#include "host/query/localize.h"
#include "host/transport/answer_language.h"

namespace section::http {
namespace {

enum Route { kNone, kHealthz, kReadyz, kMetrics, kTables, kTable, kMeasures, kDeliverables, kStatus };

constexpr const char* kTablePrefix = "/v1/tables/";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of a path or query part; in a query '+' is a space. False for a bad escape.
bool decode(const std::string& text, bool query, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      const int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
      if (high < 0 || low < 0) return false;
      *out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      *out += query && text[i] == '+' ? ' ' : text[i];
    }
  }
  return true;
}

Target parse_target(const std::string& raw) {
  Target target;
  const auto question = raw.find('?');
  if (!decode(raw.substr(0, question), false, &target.path)) target.bad = "the path has a bad percent-escape";
  if (question == std::string::npos) return target;
  std::string rest = raw.substr(question + 1);
  std::size_t begin = 0;
  while (begin <= rest.size() && target.bad.empty()) {
    const auto end = std::min(rest.find('&', begin), rest.size());
    const std::string pair = rest.substr(begin, end - begin);
    const auto equals = pair.find('=');
    std::string key, value;
    if (!decode(pair.substr(0, equals), true, &key) ||
        !decode(equals == std::string::npos ? "" : pair.substr(equals + 1), true, &value)) {
      target.bad = "the query has a bad percent-escape";
    }
    if (!key.empty()) target.query[key] = value;
    begin = end + 1;
  }
  return target;
}

Route route_of(const std::string& path) {
  if (path == "/healthz") return kHealthz;
  if (path == "/readyz") return kReadyz;
  if (path == "/metrics") return kMetrics;
  if (path == "/v1/tables") return kTables;
  if (path.rfind(kTablePrefix, 0) == 0 && path.size() > std::string(kTablePrefix).size()) return kTable;
  if (path == "/v1/measures") return kMeasures;
  if (path == "/v1/deliverables") return kDeliverables;
  if (path == "/v1/status") return kStatus;
  return kNone;
}

// The gRPC method whose access a route needs; the probes need none.
const char* method_of(Route route) {
  switch (route) {
    case kTables: return "section.v1.SectionService.ListTables";
    case kTable: return "section.v1.SectionService.GetTable";
    case kMeasures: return "section.v1.SectionService.ListMeasures";
    case kDeliverables: return "section.v1.SectionService.ListDeliverables";
    case kStatus:
    case kMetrics: return "section.v1.SectionService.GetStatus";
    default: return nullptr;
  }
}

Response text(int status, const std::string& content_type, std::string body) {
  Response response;
  response.status = status;
  response.content_type = content_type;
  response.body = std::move(body);
  return response;
}

Response answer(const absl::StatusOr<std::string>& body, const std::string& content_type) {
  return body.ok() ? text(200, content_type, *body) : error_response(body.status());
}

// Whether If-None-Match names `etag` (or is "*"): a list of entity tags, weak ones included.
bool matches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match.empty()) return false;
  return if_none_match.find('*') != std::string::npos || if_none_match.find(etag) != std::string::npos;
}

// The component and year of a list query; INVALID_ARGUMENT for an unknown parameter or a year
// that is not a number.
absl::Status list_filter(const Target& target, std::string* component, int* year) {
  for (const auto& [key, value] : target.query) {
    if (key == "lang") continue;  // asked_language's
    if (key == "component") {
      *component = value;
    } else if (key == "year") {
      const bool digits = !value.empty() && value.size() <= 9 &&
                          std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); });
      if (!digits) return absl::InvalidArgumentError("year: " + echo(value) + " is not a year");
      *year = std::stoi(value);
    } else {
      return absl::InvalidArgumentError("unknown query parameter " + echo(key) + " (component, year, lang)");
    }
  }
  return absl::OkStatus();
}

// The language the client asks for: the `lang` query parameter (for a link or a spreadsheet,
// which cannot set headers), else Accept-Language; "" when neither is given (English, and no
// Content-Language). INVALID_ARGUMENT naming the one that is malformed.
absl::StatusOr<std::string> asked_language(const Request& request, const Target& target, const transport::SerializedAnswers& answers) {
  const auto lang = target.query.find("lang");
  if (lang == target.query.end() && request.accept_language.empty()) return std::string();
  auto ranges = lang != target.query.end() ? query::parse_accept_language(lang->second, "lang")
                                           : query::parse_accept_language(request.accept_language, "accept-language");
  if (!ranges.ok()) return ranges.status();
  return transport::choose_answer_language(*ranges, answers);
}

// Whether an Accept value takes CSV: it names text/csv with a q-value above 0.
bool accepts_csv(const std::string& accept) {
  std::size_t begin = 0;
  while (begin < accept.size()) {
    const std::size_t end = std::min(accept.find(',', begin), accept.size());
    const std::string entry = accept.substr(begin, end - begin);
    begin = end + 1;
    const std::size_t semicolon = entry.find(';');
    std::string media = entry.substr(0, semicolon);
    media.erase(0, media.find_first_not_of(" \t"));
    media.erase(media.find_last_not_of(" \t") + 1);
    std::transform(media.begin(), media.end(), media.begin(), [](unsigned char c) { return std::tolower(c); });
    if (media != "text/csv") continue;
    // "q=0", "q=0.0", "Q=0.000": refused. Anything else (or none) takes it.
    std::string parameters = semicolon == std::string::npos ? std::string() : entry.substr(semicolon);
    std::transform(parameters.begin(), parameters.end(), parameters.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::size_t q = parameters.find("q=");
    if (q == std::string::npos) return true;
    const std::string weight = parameters.substr(q + 2, parameters.find_first_of(" \t;", q + 2) - (q + 2));
    if (weight.find_first_not_of("0.") != std::string::npos) return true;
  }
  return false;
}

// A table's form: by the id's suffix (.csv or .json, taken off `id`), else by Accept.
struct TableForm {
  bool csv = false;
  bool by_accept = false;  // the same URL answers JSON or CSV: the answer varies with Accept
};

TableForm table_form(const Request& request, std::string* id) {
  const auto ends_with = [&](const std::string& suffix) {
    return id->size() > suffix.size() && id->compare(id->size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".csv")) {
    id->resize(id->size() - 4);
    return {true, false};
  }
  if (ends_with(".json")) {
    id->resize(id->size() - 5);
    return {false, false};
  }
  return {accepts_csv(request.accept), true};
}

Response table_response(const std::string& id, bool csv, const RenderedVersion& version) {
  Response response = answer(version.table(id, csv), csv ? "text/csv; charset=utf-8; header=present" : "application/json");
  if (csv && response.status == 200) {
    std::string file = id;
    for (char& c : file) c = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
    response.headers.emplace_back("Content-Disposition", "inline; filename=\"" + file + ".csv\"");
  }
  return response;
}

}  // namespace

Response Routes::handle(const Request& request) const {
  const Target target = parse_target(request.target);
  if (!target.bad.empty()) return error_response(absl::InvalidArgumentError(target.bad));
  const Route route = route_of(target.path);
  if (route == kNone) return error_response(absl::NotFoundError("no such path: " + echo(target.path) + " (docs/api.md, \"HTTP\")"));
  if (request.method != "GET" && request.method != "HEAD") {
    Response refused = error_response(absl::UnimplementedError("only GET and HEAD are served; " + echo(request.method) + " is not"));
    refused.status = 405;
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  if (route == kHealthz) return text(200, "text/plain; charset=utf-8", "ok\n");
  if (route == kReadyz) {
    const bool ready = sources_.serving && sources_.serving() && sources_.answers && sources_.answers();
    return ready ? text(200, "text/plain; charset=utf-8", "ready\n")
                 : error_response(absl::UnavailableError("section-host is not serving a version (starting or stopping)"));
  }
  if (sources_.gate != nullptr) {
    if (absl::Status allowed = sources_.gate->decide(request.authorization, "http " + request.peer, method_of(route));
        !allowed.ok()) {
      return error_response(allowed);
    }
  }
  if (route == kMetrics) return text(200, kMetricsContentType, metrics_text(sources_.metrics));
  return versioned(request, target, route);
}

absl::StatusOr<std::string> Routes::status_json(const std::string& language, const transport::SerializedAnswers& answers) const {
  auto status = sources_.status ? sources_.status() : absl::UnavailableError("no status");
  if (!status.ok()) return status.status();
  if (transport::localized(language)) query::localize(*status, language, answers.source_language());
  return cli::print(cli::message_json(*status));
}

Response Routes::versioned(const Request& request, const Target& target, int route) const {
  const auto answers = sources_.answers ? sources_.answers() : nullptr;
  if (!answers) {
    return error_response(absl::UnavailableError(
        "section-host is starting: its plugins are loading and no version is published yet; retry"));
  }
  const auto language = asked_language(request, target, *answers);
  if (!language.ok()) return error_response(language.status());
  const std::string other = transport::localized(*language) ? *language : std::string();  // "" for English
  Response response;
  bool csv = false;
  std::string vary = "Accept-Language";
  if (route == kStatus) {
    response = answer(status_json(*language, *answers), "application/json");
  } else {
    // Rendered once per version and language.
    const auto english = rendered(answers);
    const auto version = other.empty() ? english : english->in(other);
    std::string component;
    int year = 0;
    const absl::Status filter = list_filter(target, &component, &year);
    if (route == kTables) {
      response = answer(version->tables_json(), "application/json");
    } else if (route == kTable) {
      std::string id = target.path.substr(std::string(kTablePrefix).size());
      const TableForm form = table_form(request, &id);
      csv = form.csv;
      if (form.by_accept) vary = "Accept, Accept-Language";
      response = table_response(id, form.csv, *version);
    } else if (!filter.ok()) {
      response = error_response(filter);
    } else if (route == kMeasures) {
      response = answer(version->measures(component, year), "application/json");
    } else {
      response = answer(version->deliverables(component, year), "application/json");
    }
  }
  if (response.status != 200) return response;
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("Vary", vary);
  if (!language->empty()) response.headers.emplace_back("Content-Language", query::canonical_case(*language));
  // The status changes within a version (the store's reachability, say): no ETag, never a 304.
  if (route == kStatus) return response;
  const std::string etag = etag_of(answers->view()->version, instance_, other, csv);
  response.headers.emplace_back("ETag", etag);
  // Only what would be a 200 becomes a 304 (RFC 9110, 13.2.1): a missing table stays a 404.
  if (matches(request.if_none_match, etag)) {
    response.status = 304;
    response.content_type.clear();
    response.body.clear();
    response.headers.erase(std::remove_if(response.headers.begin(), response.headers.end(),
                                          [](const auto& header) { return header.first == "Content-Disposition"; }),
                           response.headers.end());
  }
  return response;
}

std::shared_ptr<const RenderedVersion> Routes::rendered(const std::shared_ptr<const transport::SerializedAnswers>& answers) const {
  std::shared_ptr<const RenderedVersion> existing = std::atomic_load(&rendered_);
  if (existing && existing->answers() == answers.get()) return existing;
  auto fresh = std::make_shared<const RenderedVersion>(answers);
  // Keep the newest: a request that rendered an older version never replaces a newer one.
  while (!existing || existing->version() < fresh->version()) {
    if (std::atomic_compare_exchange_weak(&rendered_, &existing, fresh)) return fresh;
  }
  // Another request kept its rendering of this version first: shared, with the languages it keeps.
  if (existing->answers() == fresh->answers()) return existing;
  return fresh;
}

}  // namespace section::http
