// Small helpers for building section::v1::Table messages: cells, rows and year labels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "section/v1/table.pb.h"

namespace section::aggregate {

// The year columns' labels for a budget year (2022: "2020 expenditure", "2021 appropriation"…).
struct Years {
  int budget = 0;
  std::string expenditure() const { return std::to_string(budget - 2) + " expenditure"; }
  std::string appropriation() const { return std::to_string(budget - 1) + " appropriation"; }
  std::string approved() const { return std::to_string(budget - 1) + " approved"; }
  std::string current_estimate() const { return std::to_string(budget - 1) + " estimate"; }
  std::string estimate() const { return std::to_string(budget) + " estimate (before recosting)"; }
  std::string extra_estimate() const { return std::to_string(budget) + " estimate"; }
  std::string proposed() const { return std::to_string(budget) + " proposed"; }
};

section::v1::Cell integer_cell(std::int64_t value);
section::v1::Cell text_cell(const std::string& value);
section::v1::Cell decimal_cell(std::int64_t units, std::uint32_t scale);
// A percentage in tenths; an absent cell (null) when there is no percentage.
section::v1::Cell percentage_cell(std::optional<std::int64_t> tenths);

class TableBuilder {
 public:
  TableBuilder(std::string id, std::string title, std::string source, std::string unit);

  TableBuilder& column(const std::string& key, const std::string& label);
  section::v1::Row& row(const std::string& key, const std::string& label, int level, section::v1::Unit unit);
  void note(const std::string& text) { table_.add_notes(text); }
  section::v1::Table build() && { return std::move(table_); }
  section::v1::Table& table() { return table_; }

 private:
  section::v1::Table table_;
};

// Sets a cell unless it holds no value.
void set_cell(section::v1::Row& row, const std::string& column, section::v1::Cell cell);

}  // namespace section::aggregate
