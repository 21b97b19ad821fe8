// Every SectionService method in the language the client asks for (docs/api.md, "Languages"),
// against a real host serving the fixture data of tests/fixtures/language/; and section-ctl
// --lang against the default data.
#include <future>

#include <catch2/catch.hpp>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include "grpc_client.h"
#include "test_env.h"

using namespace section;

namespace {

std::string fixture_config() {
  const auto dir = test::source_dir() / "tests/fixtures/language";
  return "listen: 127.0.0.1:0\n"
         "section: " + (dir / "section.zh.yaml").string() + "\n"
         "plugin_dir: " + test::plugin_dir().string() + "\n"
         "shutdown_grace_ms: 200\n"
         "drain_ms: 0\n"
         "plugins:\n"
         "  - id: finance\n    library: finance\n    settings: {data: " + (dir / "component.zh.yaml").string() + ", watch_ms: 0}\n";
}

// A call's context with a deadline and, unless empty, accept-language.
std::unique_ptr<grpc::ClientContext> context_for(const std::string& accept_language) {
  auto context = std::make_unique<grpc::ClientContext>();
  test::deadline(*context);
  if (!accept_language.empty()) context->AddMetadata("accept-language", accept_language);
  return context;
}

std::string content_language(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  const auto found = metadata.find("content-language");
  return found == metadata.end() ? "(none)" : std::string(found->second.data(), found->second.size());
}

// GetTable's answer as the bytes the host sent, and the content-language it said.
std::pair<std::string, std::string> raw_table(const std::string& address, const std::string& id, const std::string& accept_language) {
  grpc::GenericStub stub(test::channel_to(address));
  v1::GetTableRequest request;
  request.set_id(id);
  const std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer sent(&slice, 1);
  grpc::ByteBuffer received;
  auto context = context_for(accept_language);
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(), "/section.v1.SectionService/GetTable", grpc::StubOptions(), &sent, &received,
                 [&done](grpc::Status status) { done.set_value(status); });
  const grpc::Status status = done.get_future().get();
  REQUIRE(status.ok());
  std::vector<grpc::Slice> slices;
  REQUIRE(received.Dump(&slices).ok());
  std::string out;
  for (const auto& part : slices) out.append(reinterpret_cast<const char*>(part.begin()), part.size());
  return {out, content_language(*context)};
}

test::RunResult ctl(const test::Host& host, std::vector<std::string> args) {
  std::vector<std::string> argv = {test::ctl_binary().string(), "--host", host.address()};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::run(argv);
}

}  // namespace

TEST_CASE("every SectionService method answers in the language asked for, and says which", "[language][integration]") {
  test::Host host(fixture_config());
  REQUIRE(host.ok());
  auto stub = test::stub_for(host.address());

  v1::Section section;
  auto context = context_for("zh-CN, en;q=0.5");
  REQUIRE(stub->GetSection(context.get(), {}, &section).ok());
  CHECK(content_language(*context) == "zh");
  CHECK(section.info().title() == "行政，维也纳");
  REQUIRE(section.components_size() == 1);
  CHECK(section.components(0).title() == "方案规划、财务和预算");
  const v1::TextForms& title = section.components(0).languages(0);
  CHECK(title.field() == "title");
  REQUIRE(title.text_size() == 1);
  CHECK(title.text(0).language() == "en");
  CHECK(title.text(0).text() == "Programme planning, finance and budget");

  v1::ListTablesResponse tables;
  context = context_for("zh");
  REQUIRE(stub->ListTables(context.get(), {}, &tables).ok());
  CHECK(content_language(*context) == "zh");
  CHECK(tables.tables(0).title() == "总表：按支出用途列示的财政资源演变情况");

  v1::Table table;
  v1::GetTableRequest table_request;
  table_request.set_id("financial-by-object");
  context = context_for("zh");
  REQUIRE(stub->GetTable(context.get(), table_request, &table).ok());
  CHECK(content_language(*context) == "zh");
  CHECK(table.rows(0).label() == "员额");

  v1::ListMeasuresResponse measures;
  context = context_for("zh");
  REQUIRE(stub->ListMeasures(context.get(), {}, &measures).ok());
  CHECK(content_language(*context) == "zh");
  CHECK(measures.measures(0).result_title() == "联合国毒品和犯罪问题办公室的自愿捐款管理得到改进");

  v1::ListDeliverablesResponse deliverables;
  v1::ListDeliverablesRequest filtered;
  filtered.set_component("finance");
  filtered.set_year(2021);
  context = context_for("zh");
  REQUIRE(stub->ListDeliverables(context.get(), filtered, &deliverables).ok());
  CHECK(content_language(*context) == "zh");
  CHECK(deliverables.deliverables(0).deliverable().subcategory() == "议事机构文件(文件数目)");

  v1::HostStatus status;
  context = context_for("zh");
  REQUIRE(stub->GetStatus(context.get(), {}, &status).ok());
  CHECK(content_language(*context) == "zh");
  CHECK(status.section().title() == "行政，维也纳");
  CHECK(status.components(0).title() == "方案规划、财务和预算");

  context = context_for("zh");
  auto reader = stub->Watch(context.get(), {});
  v1::WatchEvent event;
  REQUIRE(reader->Read(&event));
  CHECK(content_language(*context) == "zh");
  CHECK(event.components(0).title() == "方案规划、财务和预算");
  context->TryCancel();
  v1::WatchEvent rest;
  while (reader->Read(&rest)) {
  }
  reader->Finish();
  CHECK(host.stop() == 0);
}

TEST_CASE("without accept-language, or in English, the answer is the one serialized for the version", "[language][integration]") {
  test::Host host(fixture_config());
  REQUIRE(host.ok());
  auto stub = test::stub_for(host.address());
  v1::GetTableRequest request;
  request.set_id("financial-by-object");
  const auto [plain, none] = raw_table(host.address(), "financial-by-object", "");
  CHECK(none == "(none)");
  v1::Table parsed;
  REQUIRE(parsed.ParseFromString(plain));
  CHECK(parsed.title() == "Overall: evolution of financial resources by object of expenditure");
  for (const char* value : {"en", "fr, *;q=0.1", "de"}) {
    const auto [english, language] = raw_table(host.address(), "financial-by-object", value);
    INFO(value);
    CHECK(language == "en");
    CHECK(english == plain);  // the very bytes of the version
  }
  const auto [chinese, zh] = raw_table(host.address(), "financial-by-object", "zh");
  CHECK(zh == "zh");
  CHECK(chinese != plain);
  auto context = context_for("");
  // A malformed accept-language is refused, naming it.
  for (int method = 0; method < 2; ++method) {
    context = context_for("zh;q=7");
    v1::Table refused;
    v1::Section section;
    const grpc::Status status =
        method == 0 ? stub->GetTable(context.get(), request, &refused) : stub->GetSection(context.get(), {}, &section);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(status.error_message(), Catch::Contains("accept-language: 'zh;q=7'") && Catch::Contains("q-value"));
  }
  context = context_for("zh;q=7");
  auto reader = stub->Watch(context.get(), {});
  v1::WatchEvent event;
  CHECK_FALSE(reader->Read(&event));
  CHECK(reader->Finish().error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(host.stop() == 0);
}

TEST_CASE("section-ctl --lang zh prints the fascicle's Chinese labels, aligned, and English without it", "[language][cli]") {
  test::Host host(test::default_config_text());
  REQUIRE(host.ok());
  const auto zh = ctl(host, {"--lang", "zh", "table", "financial-by-object"});
  CHECK(zh.status == 0);
  CHECK_THAT(zh.out, Catch::StartsWith("Table 29F.12 — 总表：按支出用途列示的财政资源演变情况\n(千美元)\n"));
  // Aligned: a Chinese character is two columns wide, so the figures end where the English ones do.
  CHECK_THAT(zh.out, Catch::Contains("\n员额                    9 645.2       10 519.5") &&
                         Catch::Contains("\n其他工作人员费用          588.5          733.0") &&
                         Catch::Contains("\n共计                   18 280.4       19 833.5"));
  CHECK_THAT(zh.out, Catch::Contains("2020 年支出数") && Catch::Contains("技术调整"));
  const auto en = ctl(host, {"table", "financial-by-object"});
  CHECK_THAT(en.out, Catch::StartsWith("Table 29F.12 — Overall: evolution of financial resources by object of expenditure\n"));
  CHECK_THAT(ctl(host, {"--lang", "zh_CN", "tables"}).err, Catch::Contains("--lang") && Catch::Contains("not a BCP 47 language tag"));
  const auto html = ctl(host, {"export", "--format", "html", "--lang", "zh"});
  CHECK(html.status == 0);
  CHECK_THAT(html.out, Catch::Contains("<html lang=\"zh\">") && Catch::Contains("总表：按支出用途列示的财政资源演变情况"));
  CHECK_THAT(ctl(host, {"export", "--format", "html"}).out, Catch::Contains("<html lang=\"en\">"));
  CHECK(host.stop() == 0);
}
