// The other languages of the tables' words (docs/architecture.md, decision 24): the Chinese the
// fascicle's own tables print (the SDK's vocabulary) and the forms of the components' texts,
// put beside each table's English as TextForms. Tables are built in English; this only adds.
#pragma once

#include <string>

#include "host/aggregate/section_input.h"
#include "section/sdk/language.h"
#include "section/v1/table.pb.h"

namespace section::aggregate {

// The language tag of the fascicle's own words in the vocabulary.
inline constexpr const char* kSourceLanguage = "zh";

// Copies the forms of `from[from_field]` into `to[to_field]`, each text between `prefix` and
// `suffix` (a row label "A. " + a category title, say); with a prefix or suffix, printed forms
// become TEXT_ORIGIN_COMPOSED. Nothing when `from` has none.
void copy_forms(const language::Forms& from, const std::string& from_field, language::Forms* to,
                const std::string& to_field, const std::string& prefix = {}, const std::string& suffix = {});

// The key of a text cell's forms in Row.languages: "cells[<column key>]".
std::string cell_field(const std::string& column);

// Adds the Chinese of the resource tables' titles, units, column headings and row labels, and of
// the component labels, wherever the vocabulary or the components have it.
void add_table_languages(const SectionInput& input, section::v1::Table& table);
// The same for one of `component`'s own tables (component_tables()), which name no other component.
void add_table_languages(const config::SectionFile& section, const section::v1::Component& component, section::v1::Table& table);

}  // namespace section::aggregate
