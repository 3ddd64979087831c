// Small file-system helpers for the store: directories, whole-file reads, atomic replacement and
// RocketMQ's 20-digit offset file names. Every call maps errno into a Result.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace ringmq::store {

// 20-digit, zero-padded decimal name of a file that starts at `offset` (UtilAll.offset2FileName).
std::string offset_file_name(std::int64_t offset);
// Inverse of offset_file_name; fails for anything but exactly 20 digits.
Result<std::int64_t> parse_offset_file_name(std::string_view name);

// "a/b/c" -> "a/b".
std::string parent_dir(const std::string& path);
bool path_exists(const std::string& path);
Status make_dirs(const std::string& path);
// Entry names (not paths) of a directory, sorted; "." and ".." are left out.
Result<std::vector<std::string>> list_dir(const std::string& path);
Status remove_file(const std::string& path);
Status remove_tree(const std::string& path);
// fsync a directory so a create, rename or unlink inside it is durable.
Status fsync_dir(const std::string& path);
Result<std::string> read_whole_file(const std::string& path);
// Replaces `path` with `contents` atomically: write `path`.tmp, fsync it, rename over `path`,
// fsync the directory. A crash leaves either the old or the new content, never a mix.
Status write_file_atomic(const std::string& path, std::string_view contents);
// Fraction (0..1) of the file system holding `path` that is in use.
Result<double> disk_usage_ratio(const std::string& path);

}  // namespace ringmq::store
