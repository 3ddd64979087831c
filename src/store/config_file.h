// The broker's metadata files under <store>/config/ (docs/STORE-FORMAT.md §10.5) are saved and
// loaded through these two calls; what they hold (topics, groups, offsets) is the broker's business
// (broker/topic/, subscription/, offset/, schedule/).
//
// save_config_file() keeps the previous version as <name>.bak and replaces the file atomically
// (temp file, fsync, rename, fsync dir), so a crash leaves the old or the new content. Plain
// functions, no state: any thread may call them, the broker serialises saves of one file.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace ringmq::store {

// Copies the current `path` (if any) to `path`.bak, then replaces `path` with `json` atomically.
Status save_config_file(const std::string& path, std::string_view json);
// The content of `path`, or of `path`.bak if the main file is missing or `valid` rejects it.
// Errc::not_found when neither exists.
Result<std::string> load_config_file(const std::string& path, bool (*valid)(std::string_view) = nullptr);

}  // namespace ringmq::store
