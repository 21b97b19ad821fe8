#include "host/aggregate/table_builder.h"

namespace section::aggregate {

section::v1::Cell integer_cell(std::int64_t value) {
  section::v1::Cell cell;
  cell.set_integer(value);
  return cell;
}

section::v1::Cell text_cell(const std::string& value) {
  section::v1::Cell cell;
  cell.set_text(value);
  return cell;
}

section::v1::Cell decimal_cell(std::int64_t units, std::uint32_t scale) {
  section::v1::Cell cell;
  cell.mutable_decimal()->set_units(units);
  cell.mutable_decimal()->set_scale(scale);
  return cell;
}

section::v1::Cell percentage_cell(std::optional<std::int64_t> tenths) {
  if (!tenths) return section::v1::Cell();
  return decimal_cell(*tenths, 1);
}

TableBuilder::TableBuilder(std::string id, std::string title, std::string source, std::string unit) {
  table_.set_id(std::move(id));
  table_.set_title(std::move(title));
  table_.set_source(std::move(source));
  table_.set_unit(std::move(unit));
}

TableBuilder& TableBuilder::column(const std::string& key, const std::string& label) {
  section::v1::Column* column = table_.add_columns();
  column->set_key(key);
  column->set_label(label);
  return *this;
}

section::v1::Row& TableBuilder::row(const std::string& key, const std::string& label, int level,
                                    section::v1::Unit unit) {
  section::v1::Row* row = table_.add_rows();
  row->set_key(key);
  row->set_label(label);
  row->set_level(level);
  row->set_unit(unit);
  return *row;
}

void set_cell(section::v1::Row& row, const std::string& column, section::v1::Cell cell) {
  if (cell.value_case() == section::v1::Cell::VALUE_NOT_SET) return;
  (*row.mutable_cells())[column] = std::move(cell);
}

}  // namespace section::aggregate
