// A small streaming JSON writer for headers, bodies and metadata files. Commas are placed
// automatically; keys are written in the order the caller gives (fastjson sorts bean properties
// alphabetically, so callers that mimic Java write keys in that order).
//
//   JsonWriter w;
//   w.begin_object().key("code").value(34).key("remark").value("ok").end_object();
//   std::string text = w.take();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringmq {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // A key inside an object; the next call writes its value.
  JsonWriter& key(std::string_view name);
  // An unquoted numeric key, as fastjson writes Map<Long,...> keys for old clients: {0:"a"}.
  JsonWriter& numeric_key(std::int64_t name);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::int32_t n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(std::uint32_t n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(double d);
  JsonWriter& null_value();
  // Already-serialized JSON, inserted as one value.
  JsonWriter& raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

  // Appends `s` as a quoted, escaped JSON string.
  static void append_quoted(std::string& out, std::string_view s);

 private:
  void before_value();

  std::string out_;
  // One entry per open container: true once it holds an element (so the next needs a comma).
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace ringmq
