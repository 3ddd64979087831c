#include "store/config_file.h"

#include "store/file_util.h"

namespace ringmq::store {

Status save_config_file(const std::string& path, std::string_view json) {
  if (path_exists(path)) {
    RINGMQ_TRY_ASSIGN(std::string previous, read_whole_file(path));
    RINGMQ_TRY(write_file_atomic(path + ".bak", previous));
  }
  return write_file_atomic(path, json);
}

Result<std::string> load_config_file(const std::string& path, bool (*valid)(std::string_view)) {
  if (path_exists(path)) {
    Result<std::string> main = read_whole_file(path);
    if (main.ok() && (valid == nullptr || valid(*main))) return main;
  }
  const std::string bak = path + ".bak";
  if (path_exists(bak)) return read_whole_file(bak);
  return make_error(Errc::not_found, "no " + path + " nor " + bak);
}

}  // namespace ringmq::store
