#include "cli/admin/admin_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "base/json_writer.h"

namespace ringmq::cli {

Cell Cell::fixed(double v, int decimals) {
  Cell c(fmt::format("{:.{}f}", v, decimals));
  c.number = true;
  return c;
}

Table& Output::table(std::string name, std::vector<Column> columns) {
  tables_.push_back(Table{std::move(name), std::move(columns), {}});
  return tables_.back();
}

namespace {

void render_table(const Table& t, std::string& out) {
  std::vector<std::size_t> shown;  // columns with a header (the others are JSON-only)
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    if (!t.columns[i].header.empty()) shown.push_back(i);
  }
  std::vector<std::size_t> widths(t.columns.size());
  for (std::size_t i = 0; i < t.columns.size(); ++i) widths[i] = t.columns[i].header.size();
  for (const auto& row : t.rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].text.size());
  }
  auto line = [&](auto&& text_of) {
    std::string l;
    for (std::size_t i : shown) {
      const std::string text = text_of(i);
      l += text;
      l.append(widths[i] - std::min(widths[i], text.size()) + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l;
    out += '\n';
  };
  line([&](std::size_t i) { return t.columns[i].header; });
  for (const auto& row : t.rows) line([&](std::size_t i) { return i < row.size() ? row[i].text : std::string(); });
}

void write_cell(JsonWriter& w, const Cell& c) {
  if (c.number) w.raw(c.text);
  else w.value(c.text);
}

}  // namespace

std::string Output::render_text() const {
  std::string out;
  for (const auto& n : notes_) out += n + "\n";
  for (const auto& t : tables_) {
    if (!out.empty() && &t != &tables_.front()) out += '\n';
    render_table(t, out);
  }
  if (!fields_.empty() && !tables_.empty()) out += '\n';
  std::size_t key_width = 0;
  for (const auto& f : fields_) key_width = std::max(key_width, f.text_key.size());
  for (const auto& f : fields_) out += fmt::format("{:<{}}: {}\n", f.text_key, key_width, f.value.text);
  return out;
}

std::string Output::render_json() const {
  JsonWriter w;
  w.begin_object();
  for (const auto& f : fields_) {
    w.key(f.json_key);
    write_cell(w, f.value);
  }
  for (const auto& [k, json] : raw_) w.key(k).raw(json);
  for (const auto& t : tables_) {
    w.key(t.name).begin_array();
    for (const auto& row : t.rows) {
      w.begin_object();
      for (std::size_t i = 0; i < t.columns.size() && i < row.size(); ++i) {
        if (t.columns[i].json_key.empty()) continue;
        w.key(t.columns[i].json_key);
        write_cell(w, row[i]);
      }
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  return w.take() + "\n";
}

std::string human_time_ms(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return fmt::format("{},{:03d}", buf, static_cast<int>(ms % 1000));
}

}  // namespace ringmq::cli
