// The host configuration file (docs/configuration.md): where to listen, which section file to
// serve, and which plugins to load with which settings.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace section::config {

// Where a plugin's code runs.
enum class Isolation {
  kInProcess,  // loaded into section-host itself (fastest; a crash takes the host down)
  kProcess,    // loaded by section-plugin-runner in a child process, spoken to over gRPC
  kEndpoint,   // an external plugin process, any language, serving section.v1.PluginService
};

struct PluginConfig {
  std::string id;
  std::string library;                 // as written in the file; empty for an endpoint
  std::filesystem::path library_path;  // resolved
  Isolation isolation = Isolation::kInProcess;
  std::string endpoint;                // for kEndpoint: "unix:PATH" or "host:port"
  bool enabled = true;
  std::map<std::string, std::string> settings;
  int line = 0;                        // where the plugin's entry starts, for messages

  // The same plugin with the same settings: a reload keeps it running.
  bool same_plugin_as(const PluginConfig& other) const {
    return id == other.id && library_path == other.library_path && isolation == other.isolation &&
           endpoint == other.endpoint && enabled == other.enabled && settings == other.settings;
  }
};

// How the host restarts plugin processes that exit (isolation: process).
struct SupervisionConfig {
  std::chrono::milliseconds backoff_initial{200};    // the first restart's delay
  std::chrono::milliseconds backoff_max{30000};      // delays double up to this, with jitter
  int crash_loop_failures = 5;                       // this many failures within the window…
  std::chrono::milliseconds crash_loop_window{60000};  // …and the host stops restarting
  std::filesystem::path runner;                      // section-plugin-runner; empty: beside section-host
};

// The gRPC server's limits.
struct LimitsConfig {
  int max_request_bytes = 64 * 1024;         // larger requests: RESOURCE_EXHAUSTED
  int max_response_bytes = 16 * 1024 * 1024;
  int max_watch_streams = 2000;              // more concurrent Watch calls: RESOURCE_EXHAUSTED
  // More ReportService calls at once (each waits for the store on a thread of its own):
  // RESOURCE_EXHAUSTED.
  int max_report_calls = 256;
  std::chrono::milliseconds keepalive_time{60000};     // the host pings an idle connection this often…
  std::chrono::milliseconds keepalive_timeout{20000};  // …and closes it without an answer by then
  std::chrono::milliseconds min_client_ping_interval{10000};  // clients pinging more often are cut off
  // The HTTP listener (http_listen): a request must arrive, and its answer be read, within this…
  std::chrono::milliseconds http_request_timeout{10000};
  int http_max_header_bytes = 8 * 1024;  // …and larger request headers are refused (431)

  // Every field: a reload that changes any of them is refused (app/reloader.cc).
  bool operator==(const LimitsConfig& other) const {
    return max_request_bytes == other.max_request_bytes && max_response_bytes == other.max_response_bytes &&
           max_watch_streams == other.max_watch_streams && max_report_calls == other.max_report_calls &&
           keepalive_time == other.keepalive_time && keepalive_timeout == other.keepalive_timeout &&
           min_client_ping_interval == other.min_client_ping_interval && http_request_timeout == other.http_request_timeout &&
           http_max_header_bytes == other.http_max_header_bytes;
  }
};

// TLS for the gRPC server (docs/security.md). Without a certificate the server speaks plaintext.
struct TlsConfig {
  std::filesystem::path certificate;   // PEM: the server's certificate (chain)
  std::filesystem::path private_key;   // PEM: its private key
  std::filesystem::path client_ca;     // PEM: CAs for client certificates (mTLS); empty: none asked for
  bool require_client_certificate = false;  // with client_ca: refuse clients without a valid one

  bool enabled() const { return !certificate.empty(); }
  bool operator==(const TlsConfig& other) const {
    return certificate == other.certificate && private_key == other.private_key && client_ca == other.client_ca &&
           require_client_certificate == other.require_client_certificate;
  }
};

// What a bearer token may do (proto/section/v1/access.proto).
enum class Role {
  kReader,    // read the section
  kReporter,  // read, and report figures of the components in its scope
  kAdmin,     // read, and operate the host (reload)
};

const char* role_name(Role role);

// One bearer token, stored as a salted SHA-256 hash, never as the token itself.
struct TokenConfig {
  std::string name;                     // who: shown as reported_by and in the log
  Role role = Role::kReader;
  std::vector<std::string> components;  // a reporter's scope: the component ids it may report
  std::string salt_hex;                 // 16 to 64 bytes, hex
  std::string digest_hex;               // SHA-256(salt ‖ token), hex
  int line = 0;
};

struct AuthConfig {
  bool reads_need_token = false;  // reads: token (else open)
  std::vector<TokenConfig> tokens;
};

// Where the host keeps reported figures (ReportService): an SQLite database in data_dir (one
// host), or a PostgreSQL database that several hosts share. At most one of the two.
struct StorageConfig {
  std::filesystem::path data_dir;      // SQLite; empty: not SQLite
  std::string postgres;                // a libpq connection string or URI; empty: not PostgreSQL
  std::int64_t max_database_bytes = 0; // 0: no limit but the disk's; else SQLite's max_page_count
  // PostgreSQL: the longest a statement may run on the server, and a host waits a second more
  // for an answer before it drops the connection.
  std::chrono::milliseconds statement_timeout{10000};

  bool configured() const { return !data_dir.empty() || !postgres.empty(); }
  bool operator==(const StorageConfig& other) const {
    return data_dir == other.data_dir && postgres == other.postgres && max_database_bytes == other.max_database_bytes &&
           statement_timeout == other.statement_timeout;
  }
};

struct HostConfig {
  std::filesystem::path path;          // the configuration file
  std::string listen = "127.0.0.1:50051";
  std::string http_listen;             // the HTTP listener's host:port; empty: no HTTP listener
  std::filesystem::path section_file;
  std::filesystem::path plugin_dir;
  std::chrono::milliseconds shutdown_grace{5000};
  std::chrono::milliseconds drain{1000};              // NOT_SERVING this long before the port closes
  std::chrono::milliseconds plugin_call_timeout{10000};  // every call of a plugin hook
  SupervisionConfig supervision;
  LimitsConfig limits;
  TlsConfig tls;
  AuthConfig auth;
  StorageConfig storage;
  std::vector<PluginConfig> plugins;

  std::filesystem::path dir() const { return path.parent_path(); }
};

// Reads and checks a configuration file. Library names without a '/' resolve to
// <plugin_dir>/<name>/<name>.so; the plugin directory is the file's `plugin_dir` (relative to
// the file) or else `default_plugin_dir`. Every error names the file, the line and the reason.
absl::StatusOr<HostConfig> load_host_config(const std::filesystem::path& file,
                                    const std::filesystem::path& default_plugin_dir);

// A plugin, component or token id: lower-case letters, digits, '_' or '-', starting with a
// letter, at most 64 characters.
bool valid_id(const std::string& id);

// "host:port", "[v6]:port" or "unix:path"; an empty Status when it is usable.
absl::Status check_listen_address(const std::string& address);
// The HTTP listener's address: "host:port" or "[v6]:port" (no unix: socket).
absl::Status check_http_listen_address(const std::string& address);

}  // namespace section::config
