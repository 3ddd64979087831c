// What an admin command prints: notes (text mode only), key/value fields and named tables.
// Text mode renders tables aligned column by column with mqadmin's '#'-prefixed headers, then the
// fields as "Key: value"; --json renders one JSON object: the fields, then each table as an array
// of row objects keyed by the columns' JSON names (numbers stay numbers).
//
// Single-threaded value, owned by the command run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ringmq::cli {

struct Cell {
  std::string text;
  bool number = false;  // written unquoted in JSON

  Cell() = default;
  Cell(std::string s) : text(std::move(s)) {}        // NOLINT: implicit on purpose
  Cell(const char* s) : text(s) {}                   // NOLINT
  Cell(std::string_view s) : text(s) {}              // NOLINT
  Cell(std::int64_t n) : text(std::to_string(n)), number(true) {}  // NOLINT
  Cell(std::int32_t n) : Cell(static_cast<std::int64_t>(n)) {}     // NOLINT
  Cell(std::uint64_t n) : text(std::to_string(n)), number(true) {}  // NOLINT
  Cell(bool b) : text(b ? "true" : "false"), number(true) {}       // NOLINT
  static Cell fixed(double v, int decimals);
};

struct Column {
  std::string header;    // text mode, e.g. "#Broker Name"; empty: JSON only
  std::string json_key;  // --json, e.g. "brokerName"; empty: text only
};

struct Table {
  std::string name;  // the JSON member holding the rows
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
  void add(std::vector<Cell> row) { rows.push_back(std::move(row)); }
};

class Output {
 public:
  void note(std::string line) { notes_.push_back(std::move(line)); }
  void field(std::string key, Cell value) { field(key, key, std::move(value)); }
  // A field shown as `text_key` in text mode and as `json_key` in --json mode.
  void field(std::string text_key, std::string json_key, Cell value) {
    fields_.push_back(Field{std::move(text_key), std::move(json_key), std::move(value)});
  }
  // A nested JSON value written as is in --json mode (text mode shows tables and notes instead).
  void raw_json(std::string key, std::string json) { raw_.emplace_back(std::move(key), std::move(json)); }
  Table& table(std::string name, std::vector<Column> columns);

  std::string render_text() const;
  std::string render_json() const;

 private:
  std::vector<std::string> notes_;
  struct Field {
    std::string text_key;
    std::string json_key;
    Cell value;
  };
  std::vector<Field> fields_;
  std::vector<std::pair<std::string, std::string>> raw_;
  std::vector<Table> tables_;
};

// "yyyy-MM-dd HH:mm:ss,SSS" in local time (UtilAll.timeMillisToHumanString2), as mqadmin prints.
std::string human_time_ms(std::int64_t ms);

}  // namespace ringmq::cli
