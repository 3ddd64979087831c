#include "protocol/fastjson.h"

#include <cctype>

namespace ringmq::protocol {

std::string quote_numeric_keys(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 16);
  bool in_string = false;
  char last_structural = 0;  // last of { , : [ seen outside strings
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) out.push_back(json[++i]);
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    const bool key_position = last_structural == '{' || last_structural == ',';
    if (key_position && (std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      std::size_t j = i + 1;
      while (j < json.size() && std::isdigit(static_cast<unsigned char>(json[j]))) ++j;
      std::size_t k = j;
      while (k < json.size() && std::isspace(static_cast<unsigned char>(json[k]))) ++k;
      if (k < json.size() && json[k] == ':') {
        out.push_back('"');
        out.append(json.substr(i, j - i));
        out.push_back('"');
        i = j - 1;
        last_structural = 0;
        continue;
      }
    }
    if (c == '{' || c == ',' || c == ':' || c == '[') last_structural = c;
    else if (!std::isspace(static_cast<unsigned char>(c))) last_structural = 0;
    out.push_back(c);
  }
  return out;
}

}  // namespace ringmq::protocol
