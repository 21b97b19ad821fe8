// The host configuration and the section file: what they accept and how they refuse.
#include <catch2/catch.hpp>

#include "host/config/host_config.h"
#include "host/config/section_file.h"
#include "test_env.h"

using namespace section;
namespace fs = std::filesystem;

namespace {

// The default configuration's text with one substitution.
std::string config_with(const std::string& from, const std::string& to) {
  std::string text = test::default_config_text();
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  test::TempDir dir;
  const fs::path file = dir.write("host.yaml", text);
  auto config = config::load_host_config(file, test::plugin_dir());
  return config.ok() ? "" : std::string(config.status().message());
}

}  // namespace

TEST_CASE("the default configuration loads and resolves every plugin", "[config]") {
  auto config = config::load_host_config(test::source_dir() / "configs/section-29f.yaml", test::plugin_dir());
  REQUIRE(config.ok());
  CHECK(config->listen == "127.0.0.1:50051");
  CHECK(config->section_file == fs::canonical(test::source_dir() / "configs/section-29f.section.yaml"));
  REQUIRE(config->plugins.size() == 5);
  CHECK(config->plugins[2].id == "hr");
  CHECK(config->plugins[2].library_path == test::plugin_dir() / "hr/hr.so");
  CHECK(config->plugins[2].enabled);
  CHECK(config->shutdown_grace == std::chrono::milliseconds(5000));
}

TEST_CASE("malformed YAML is refused with the file and line", "[config]") {
  const std::string error = error_of("listen: [127.0.0.1\nplugins: []\n");
  CHECK_THAT(error, Catch::Contains("host.yaml:") && Catch::Contains("invalid YAML"));
}

TEST_CASE("unknown and missing keys are refused", "[config]") {
  CHECK_THAT(error_of(config_with("shutdown_grace_ms", "shutdown_grace_msec")),
             Catch::Contains("host.yaml:4:1") && Catch::Contains("unknown key 'shutdown_grace_msec'"));
  CHECK_THAT(error_of(config_with("    enabled: true\n  - id: finance", "    enable: true\n  - id: finance")),
             Catch::Contains("plugins[0]") && Catch::Contains("unknown key 'enable'"));
  CHECK_THAT(error_of("listen: 127.0.0.1:0\nplugins: []\n"), Catch::Contains("missing key 'section'"));
  CHECK_THAT(error_of(config_with("    library: hr\n", "")), Catch::Contains("plugins[2]") && Catch::Contains("missing key 'library'"));
}

TEST_CASE("wrong types and values are refused", "[config]") {
  CHECK_THAT(error_of(config_with("listen: 127.0.0.1:0", "listen: 127.0.0.1:99999")), Catch::Contains("no valid port"));
  CHECK_THAT(error_of(config_with("listen: 127.0.0.1:0", "listen: localhost")), Catch::Contains("not host:port"));
  CHECK_THAT(error_of(config_with("listen: 127.0.0.1:0", "listen: \"[]:8080\"")), Catch::Contains("names no host"));
  CHECK_THAT(error_of(config_with("listen: 127.0.0.1:0", "listen: 127.0.0.1:0\nhttp_listen: \"[]:0\"")), Catch::Contains("names no host"));
  CHECK_THAT(error_of(config_with("enabled: true\n  - id: finance", "enabled: maybe\n  - id: finance")),
             Catch::Contains("expected true or false"));
  CHECK_THAT(error_of(config_with("shutdown_grace_ms: 200", "shutdown_grace_ms: -1")), Catch::Contains("out of range"));
  CHECK_THAT(error_of(config_with("id: edm", "id: Edm!")), Catch::Contains("not a valid plugin id"));
  CHECK_THAT(error_of("section: " + (test::source_dir() / "configs/section-29f.section.yaml").string() + "\nplugins: {}\n"),
             Catch::Contains("host.yaml:2:10: plugins: expected a list, found a mapping"));
}

TEST_CASE("a duplicate key in the configuration is refused", "[config]") {
  CHECK_THAT(error_of(config_with("shutdown_grace_ms: 200\n", "shutdown_grace_ms: 200\nlisten: 127.0.0.1:1\n")),
             Catch::Contains("duplicate key 'listen'"));
}

TEST_CASE("two plugins with one id are refused, naming both", "[config]") {
  const std::string error = error_of(config_with("id: finance", "id: edm"));
  CHECK_THAT(error, Catch::Contains("plugin id 'edm' is already used by the plugin at line 7"));
  CHECK_THAT(error, Catch::Contains("host.yaml:10"));
}

TEST_CASE("a missing library is refused with its resolved path", "[config]") {
  CHECK_THAT(error_of(config_with("library: hr", "library: personnel")),
             Catch::Contains("plugins[2].library") && Catch::Contains("personnel/personnel.so does not exist"));
  CHECK_THAT(error_of(config_with("library: hr", "library: ./nowhere/hr.so")), Catch::Contains("nowhere/hr.so does not exist"));
  // A disabled plugin is not looked for.
  CHECK(error_of(config_with("library: hr\n    enabled: true", "library: personnel\n    enabled: false")).empty());
}

TEST_CASE("a missing section file is refused", "[config]") {
  CHECK_THAT(error_of(config_with("section-29f.section.yaml", "no-such-section.yaml")),
             Catch::Contains("section file") && Catch::Contains("does not exist"));
}

TEST_CASE("plugin settings are passed as written and must be scalars", "[config]") {
  test::TempDir dir;
  const std::string text = config_with("library: ict\n    enabled: true\n", "library: ict\n    settings:\n      data: x.yaml\n      mode: fast\n");
  auto config = config::load_host_config(dir.write("host.yaml", text), test::plugin_dir());
  REQUIRE(config.ok());
  CHECK(config->plugins[4].settings.at("data") == "x.yaml");
  CHECK(config->plugins[4].settings.at("mode") == "fast");
  CHECK_THAT(error_of(config_with("library: ict\n    enabled: true\n", "library: ict\n    settings:\n      data: [a, b]\n")),
             Catch::Contains("settings.data") && Catch::Contains("expected text"));
}

TEST_CASE("the section file of Section 29F loads", "[config][section]") {
  auto section = config::load_section_file(test::source_dir() / "configs/section-29f.section.yaml");
  REQUIRE(section.ok());
  CHECK(section->info.number() == "29F");
  CHECK(section->info.budget_year() == 2022);
  CHECK(section->info.source_language() == "zh");
  CHECK(section->components == std::vector<std::string>{"edm", "finance", "hr", "support", "ict"});
  CHECK(section->text.deliverables_size() == 3);
  CHECK(section->text.mandates_size() == 4);
  CHECK(section->figures.size() > 600);
}

TEST_CASE("section file errors name the line", "[config][section]") {
  test::TempDir dir;
  auto error = [&](const std::string& printed) {
    const std::string text =
        "section: {number: 9Z, title: T, budget_year: 2022, components: [a]}\n"
        "printed:\n" + printed;
    auto section = config::load_section_file(dir.write("s.yaml", text));
    return section.ok() ? std::string() : std::string(section.status().message());
  };
  CHECK_THAT(error("  tables:\n    - {table: t, source: s, notation: thousands, columns: [a, b], rows: {r: [1.0]}}\n"),
             Catch::Contains("1 values for 2 columns"));
  CHECK_THAT(error("  tables:\n    - {table: t, source: s, notation: thousands, columns: [a], rows: {r: [1.2.3]}}\n"),
             Catch::Contains("s.yaml:4") && Catch::Contains("cannot read '1.2.3'"));
  CHECK_THAT(error("  tables:\n    - {table: t, source: s, notation: yen, columns: [a], rows: {r: [1]}}\n"),
             Catch::Contains("unknown notation 'yen'"));
  CHECK_THAT(error("  narrative:\n    - {where: p, printed: 5, notation: dollars, ref: [t, r]}\n"),
             Catch::Contains("expected [table, row, column]"));
  CHECK_THAT(error("  narrative:\n    - {where: p, printed: 5, notation: dollars, ref: [t, r, c], share_of: [t, r, d]}\n"),
             Catch::Contains("a share is printed as a percentage"));
  auto language = config::load_section_file(
      dir.write("l.yaml", "section: {number: 9Z, title: T, budget_year: 2022, source_language: zh_CN, components: [a]}\n"));
  REQUIRE_FALSE(language.ok());
  CHECK_THAT(std::string(language.status().message()),
             Catch::Contains("l.yaml:1") && Catch::Contains("'zh_CN' is not a well-formed BCP 47 language tag"));
}

// ---- tls:, auth: and storage: ----------------------------------------------------------------

namespace {

const std::string kSaltA = "00112233445566778899aabbccddeeff";
const std::string kSaltB = "ffeeddccbbaa99887766554433221100";
const std::string kSaltC = "0123456789abcdef0123456789abcdef0123456789abcdef";  // 24 bytes
const std::string kDigest = "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

std::string hash_of(const std::string& salt) { return "sha256:" + salt + ":" + kDigest; }

// The default configuration with `blocks` written before its plugins.
std::string config_with_blocks(const std::string& blocks) {
  return test::replace(test::default_config_text(), "plugins:\n", blocks + "plugins:\n");
}

// The 1-based line of the first line of `text` containing `marker`.
int line_of(const std::string& text, const std::string& marker) {
  const auto at = text.find(marker);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// A directory with the configuration in etc/host.yaml and PEM files for tls: to name.
struct ConfigDir {
  test::TempDir dir;
  ConfigDir() {
    dir.write("etc/certs/server.pem", "-----BEGIN CERTIFICATE-----\n");
    dir.write("etc/certs/server.key", "-----BEGIN PRIVATE KEY-----\n");
    dir.write("ca/clients.pem", "-----BEGIN CERTIFICATE-----\n");
  }
  absl::StatusOr<config::HostConfig> load(const std::string& text) const {
    return config::load_host_config(dir.write("etc/host.yaml", text), test::plugin_dir());
  }
  std::string error(const std::string& text) const {
    auto config = load(text);
    return config.ok() ? "" : std::string(config.status().message());
  }
};

// The error of a configuration with `blocks`, checked to name the file, the line where `marker`
// is written, the field and `reason`.
void check_refused(const std::string& blocks, const std::string& marker, const std::string& field, const std::string& reason) {
  const ConfigDir dir;
  const std::string text = config_with_blocks(blocks);
  const std::string error = dir.error(text);
  INFO("configuration:\n" << text);
  CHECK_THAT(error, Catch::Contains("host.yaml:" + std::to_string(line_of(text, marker)) + ":") && Catch::Contains(field + ": ") &&
                        Catch::Contains(reason));
}

const std::string kReader = "    - name: dashboard\n      role: reader\n      hash: " + hash_of(kSaltA) + "\n";

}  // namespace

TEST_CASE("good tls, auth and storage blocks parse, with paths relative to the configuration", "[config][security]") {
  const ConfigDir dir;
  const std::string text = config_with_blocks(
      "tls:\n"
      "  certificate: certs/server.pem\n"
      "  private_key: ./certs/server.key\n"
      "  client_ca: ../ca/clients.pem\n"
      "  require_client_certificate: true\n"
      "auth:\n"
      "  reads: token\n"
      "  tokens:\n" +
      kReader +
      "    - name: hr-team\n"
      "      role: reporter\n"
      "      components: [hr, support]\n"
      "      hash: " + hash_of(kSaltB) + "\n"
      "    - name: operator\n"
      "      role: admin\n"
      "      hash: " + hash_of(kSaltC) + "\n"
      "storage:\n"
      "  data_dir: state/reports\n"
      "  max_database_bytes: 1048576\n");
  auto config = dir.load(text);
  INFO(std::string(config.status().message()));
  REQUIRE(config.ok());

  CHECK(config->tls.enabled());
  CHECK(config->tls.certificate == fs::canonical(dir.dir.path() / "etc/certs/server.pem"));
  CHECK(config->tls.private_key == fs::canonical(dir.dir.path() / "etc/certs/server.key"));
  CHECK(config->tls.client_ca == fs::canonical(dir.dir.path() / "ca/clients.pem"));
  CHECK(config->tls.require_client_certificate);

  CHECK(config->auth.reads_need_token);
  REQUIRE(config->auth.tokens.size() == 3);
  const auto& reader = config->auth.tokens[0];
  CHECK(reader.name == "dashboard");
  CHECK(reader.role == config::Role::kReader);
  CHECK(reader.components.empty());
  CHECK(reader.salt_hex == kSaltA);
  CHECK(reader.digest_hex == kDigest);
  CHECK(reader.line == line_of(text, "- name: dashboard"));
  const auto& reporter = config->auth.tokens[1];
  CHECK(reporter.name == "hr-team");
  CHECK(reporter.role == config::Role::kReporter);
  CHECK(reporter.components == std::vector<std::string>{"hr", "support"});
  CHECK(reporter.salt_hex == kSaltB);
  CHECK(reporter.line == line_of(text, "- name: hr-team"));
  const auto& admin = config->auth.tokens[2];
  CHECK(admin.role == config::Role::kAdmin);
  CHECK(admin.salt_hex == kSaltC);
  CHECK(std::string(config::role_name(admin.role)) == "admin");

  CHECK(config->storage.data_dir == fs::weakly_canonical(dir.dir.path() / "etc/state/reports"));
  CHECK(config->storage.max_database_bytes == 1048576);
}

TEST_CASE("without tls, auth and storage blocks the host is plaintext, open and stores nothing", "[config][security]") {
  const ConfigDir dir;
  auto config = dir.load(test::default_config_text());
  REQUIRE(config.ok());
  CHECK_FALSE(config->tls.enabled());
  CHECK_FALSE(config->auth.reads_need_token);
  CHECK(config->auth.tokens.empty());
  CHECK(config->storage.data_dir.empty());
  CHECK(config->storage.max_database_bytes == 0);

  // Reads may be open explicitly, a certificate needs no client CA, an absolute data_dir stays.
  auto explicit_config = dir.load(config_with_blocks("tls:\n  certificate: certs/server.pem\n  private_key: certs/server.key\n"
                                                     "auth:\n  reads: open\n"
                                                     "storage:\n  data_dir: " + (dir.dir.path() / "abs").string() + "\n"));
  INFO(std::string(explicit_config.status().message()));
  REQUIRE(explicit_config.ok());
  CHECK(explicit_config->tls.enabled());
  CHECK(explicit_config->tls.client_ca.empty());
  CHECK_FALSE(explicit_config->tls.require_client_certificate);
  CHECK_FALSE(explicit_config->auth.reads_need_token);
  CHECK(explicit_config->storage.data_dir == fs::weakly_canonical(dir.dir.path() / "abs"));
  CHECK(explicit_config->storage.max_database_bytes == 0);
}

TEST_CASE("tls refusals name the file, line and field", "[config][security]") {
  check_refused("tls:\n  certificate: certs/missing.pem\n  private_key: certs/server.key\n", "certificate: certs/missing.pem",
                "tls.certificate", "certs/missing.pem does not exist or is not a file");
  check_refused("tls:\n  certificate: certs\n  private_key: certs/server.key\n", "certificate: certs", "tls.certificate",
                "is not a file");
  check_refused("tls:\n  certificate: certs/server.pem\n  private_key: certs/missing.key\n", "private_key:", "tls.private_key",
                "does not exist");
  check_refused("tls:\n  certificate: certs/server.pem\n  private_key: certs/server.key\n  require_client_certificate: true\n",
                "require_client_certificate", "tls.require_client_certificate", "needs client_ca");
  // A missing key is reported where the block's mapping starts: its first key.
  check_refused("tls:\n  certificate: certs/server.pem\n", "certificate: certs/server.pem", "tls", "missing key 'private_key'");
}

TEST_CASE("token refusals name the file, line and field", "[config][security]") {
  const std::string hash = "      hash: " + hash_of(kSaltA) + "\n";
  check_refused("auth:\n  tokens:\n    - name: dashboard\n      role: superuser\n" + hash, "role: superuser",
                "auth.tokens[0].role", "unknown role 'superuser' (reader, reporter or admin)");
  check_refused("auth:\n  tokens:\n    - name: hr-team\n      role: reporter\n" + hash, "- name: hr-team", "auth.tokens[0]",
                "a reporter needs components");
  check_refused("auth:\n  tokens:\n    - name: hr-team\n      role: reporter\n      components: []\n" + hash, "- name: hr-team",
                "auth.tokens[0]", "a reporter needs components");
  check_refused("auth:\n  tokens:\n    - name: dashboard\n      role: reader\n      components: [hr]\n" + hash, "components: [hr]",
                "auth.tokens[0].components", "only a reporter has components");
  check_refused("auth:\n  tokens:\n    - name: operator\n      role: admin\n      components: [hr]\n" + hash, "components: [hr]",
                "auth.tokens[0].components", "only a reporter has components");
  check_refused("auth:\n  tokens:\n    - name: Dash Board\n      role: reader\n" + hash, "name: Dash Board", "auth.tokens[0].name",
                "not a valid token name");
}

TEST_CASE("token hash refusals name the file, line and field", "[config][security]") {
  auto token_with = [](const std::string& hash) {
    return "auth:\n  tokens:\n    - name: dashboard\n      role: reader\n      hash: " + hash + "\n";
  };
  const std::string form = "sha256:<salt hex>:<digest hex>";
  check_refused(token_with(kSaltA + kDigest), "hash:", "auth.tokens[0].hash", form);
  check_refused(token_with("sct_notahashatallbutatoken"), "hash:", "auth.tokens[0].hash", form);
  check_refused(token_with("md5:" + kSaltA + ":" + kDigest), "hash:", "auth.tokens[0].hash", form);
  check_refused(token_with("sha256:" + kSaltA), "hash:", "auth.tokens[0].hash", form);
  const std::string salt = "the salt must be 16 to 64 bytes in lower-case hex";
  check_refused(token_with(hash_of(kSaltA.substr(0, 30))), "hash:", "auth.tokens[0].hash", salt);  // 15 bytes
  check_refused(token_with(hash_of(kSaltA + "0")), "hash:", "auth.tokens[0].hash", salt);           // odd
  check_refused(token_with(hash_of(std::string(130, 'a'))), "hash:", "auth.tokens[0].hash", salt);  // 65 bytes
  check_refused(token_with(hash_of("00112233445566778899AABBCCDDEEFF")), "hash:", "auth.tokens[0].hash", salt);
  check_refused(token_with(hash_of("")), "hash:", "auth.tokens[0].hash", salt);
  const std::string digest = "the digest must be 32 bytes in lower-case hex";
  check_refused(token_with("sha256:" + kSaltA + ":" + kDigest.substr(0, 62)), "hash:", "auth.tokens[0].hash", digest);
  check_refused(token_with("sha256:" + kSaltA + ":" + kDigest + "00"), "hash:", "auth.tokens[0].hash", digest);
  check_refused(token_with("sha256:" + kSaltA + ":" + std::string(64, 'g')), "hash:", "auth.tokens[0].hash", digest);
  check_refused(token_with("sha256:" + kSaltA + ":" + std::string(64, 'F')), "hash:", "auth.tokens[0].hash", digest);
  check_refused(token_with("'sha256:" + kSaltA + ":'"), "hash:", "auth.tokens[0].hash", digest);
  check_refused(token_with("sha256:" + kSaltA + ":" + kDigest + ":" + kDigest), "hash:", "auth.tokens[0].hash", digest);
}

TEST_CASE("a token name or salt used twice is refused at the second, naming the first", "[config][security]") {
  {
    const std::string blocks = "auth:\n  tokens:\n" + kReader + "    - name: dashboard\n      role: admin\n      hash: " +
                               hash_of(kSaltB) + "\n";
    const std::string text = config_with_blocks(blocks);
    const int first = line_of(text, "- name: dashboard");
    CHECK(line_of(text, "role: admin") == first + 4);  // the second token's name is at first + 3
    check_refused(blocks, "    - name: dashboard\n      role: admin", "auth.tokens[1].name",
                  "token name 'dashboard' is already used at line " + std::to_string(first));
    const ConfigDir dir;
    CHECK_THAT(dir.error(text), Catch::Contains("host.yaml:" + std::to_string(first + 3) + ":"));
  }
  {
    const std::string blocks = "auth:\n  tokens:\n" + kReader + "    - name: operator\n      role: admin\n      hash: " +
                               hash_of(kSaltA) + "\n";
    const std::string text = config_with_blocks(blocks);
    const int first = line_of(text, "- name: dashboard");
    const ConfigDir dir;
    const std::string error = dir.error(text);
    CHECK_THAT(error, Catch::Contains("host.yaml:" + std::to_string(first + 5) + ":") &&
                          Catch::Contains("auth.tokens[1].hash: ") &&
                          Catch::Contains("this salt is already used at line " + std::to_string(first)));
  }
}

TEST_CASE("auth.reads refusals name the file, line and field", "[config][security]") {
  check_refused("auth:\n  reads: token\n", "reads: token", "auth.reads", "reads: token needs at least one token");
  check_refused("auth:\n  reads: token\n  tokens: []\n", "reads: token", "auth.reads", "reads: token needs at least one token");
  check_refused("auth:\n  reads: anyone\n", "reads: anyone", "auth.reads", "reads is 'open' (anyone may read) or 'token'");
  check_refused("auth:\n  reads: Token\n" + std::string("  tokens:\n") + kReader, "reads: Token", "auth.reads", "reads is 'open'");
}

TEST_CASE("a reporter scope naming a component that is no plugin is refused", "[config][security]") {
  const std::string blocks = "auth:\n  tokens:\n" + kReader +
                             "    - name: hr-team\n      role: reporter\n      components: [hr, legal]\n      hash: " +
                             hash_of(kSaltB) + "\n";
  check_refused(blocks, "- name: hr-team", "auth.tokens", "token 'hr-team': no plugin has the id 'legal'");
  // A disabled plugin is still a plugin of the configuration.
  const ConfigDir dir;
  auto config = dir.load(test::replace(config_with_blocks(test::replace(blocks, "legal", "ict")),
                                       "library: ict\n    enabled: true", "library: ict\n    enabled: false"));
  INFO(std::string(config.status().message()));
  CHECK(config.ok());
}

TEST_CASE("storage refusals name the file, line and field", "[config][security]") {
  check_refused("storage:\n  max_database_bytes: 1048576\n", "max_database_bytes: 1048576", "storage", "missing key 'data_dir'");
  check_refused("storage:\n  data_dir: state\n  max_database_bytes: 1000\n", "max_database_bytes: 1000",
                "storage.max_database_bytes", "out of range");
  check_refused("storage:\n  data_dir: state\n  keep: forever\n", "keep: forever", "storage.keep", "unknown key 'keep'");
  // SQLite or PostgreSQL, not both; a limit of the SQLite file does not apply to PostgreSQL.
  check_refused("storage:\n  data_dir: state\n  postgres: \"dbname=section\"\n", "postgres: \"dbname=section\"", "storage.postgres",
                "give either data_dir (SQLite, one host) or postgres (PostgreSQL, shared by several hosts), not both");
  check_refused("storage:\n  postgres: \"dbname=section\"\n  max_database_bytes: 1048576\n", "max_database_bytes: 1048576",
                "storage.max_database_bytes", "does not apply to postgres");
  check_refused("storage:\n  postgres: \"\"\n", "postgres: \"\"", "storage.postgres", "expected a value");
  // The deadline of PostgreSQL's statements: from 100 ms to 10 min, and not for SQLite.
  check_refused("storage:\n  postgres: \"dbname=section\"\n  statement_timeout_ms: 50\n", "statement_timeout_ms: 50",
                "storage.statement_timeout_ms", "out of range");
  check_refused("storage:\n  postgres: \"dbname=section\"\n  statement_timeout_ms: soon\n", "statement_timeout_ms: soon",
                "storage.statement_timeout_ms", "");
  check_refused("storage:\n  data_dir: state\n  statement_timeout_ms: 1000\n", "statement_timeout_ms: 1000",
                "storage.statement_timeout_ms", "does not apply to data_dir");
}

TEST_CASE("storage.postgres takes a libpq connection string or URI as it is", "[config][security]") {
  const ConfigDir dir;
  for (const std::string conninfo : {"host=/var/run/postgresql dbname=section user=section",
                                     "postgresql://section@db.example:5433/section?sslmode=require"}) {
    auto config = dir.load(config_with_blocks("storage:\n  postgres: \"" + conninfo + "\"\n"));
    INFO(std::string(config.status().message()));
    REQUIRE(config.ok());
    CHECK(config->storage.postgres == conninfo);
    CHECK(config->storage.data_dir.empty());
    CHECK(config->storage.configured());
    CHECK(config->storage.statement_timeout == std::chrono::seconds(10));
  }
  auto config = dir.load(config_with_blocks("storage:\n  postgres: \"dbname=section\"\n  statement_timeout_ms: 2500\n"));
  REQUIRE(config.ok());
  CHECK(config->storage.statement_timeout == std::chrono::milliseconds(2500));
}
