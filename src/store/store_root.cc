#include "store/store_root.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <charconv>

#include "base/log.h"
#include "store/file_util.h"

namespace ringmq::store {
namespace {

Result<std::uint32_t> read_shard_count(const std::string& path) {
  RINGMQ_TRY_ASSIGN(std::string text, read_whole_file(path));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0 || n > kShardsMax)
    return make_error(Errc::corrupt, fmt::format("{}: bad shard count '{}'", path, text));
  return n;
}

}  // namespace

StoreRoot::~StoreRoot() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

std::string StoreRoot::commitlog_dir(ShardId shard) const { return fmt::format("{}/commitlog/{}", root_, shard.value); }
std::string StoreRoot::index_dir(ShardId shard) const { return fmt::format("{}/index/{}", root_, shard.value); }

Result<std::unique_ptr<StoreRoot>> StoreRoot::open(std::string root, std::uint32_t shard_count) {
  if (shard_count > kShardsMax) return make_error(Errc::invalid_argument, fmt::format("at most {} shards", kShardsMax));
  std::unique_ptr<StoreRoot> s(new StoreRoot(std::move(root)));
  RINGMQ_TRY(make_dirs(s->root_));
  RINGMQ_TRY(make_dirs(s->config_dir()));
  const std::string lock_path = s->root_ + "/lock";
  s->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (s->lock_fd_ < 0) return make_sys_error(errno, "open " + lock_path);
  if (::flock(s->lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return make_error(Errc::busy, fmt::format("store {} is in use by another process", s->root_));

  const std::string shards_path = s->root_ + "/shards";
  if (path_exists(shards_path)) {
    RINGMQ_TRY_ASSIGN(s->shard_count_, read_shard_count(shards_path));
    if (shard_count != 0 && shard_count != s->shard_count_)
      return make_error(Errc::invalid_argument, fmt::format("store {} was created with {} shards, not {}", s->root_,
                                                            s->shard_count_, shard_count));
  } else {
    s->shard_count_ = shard_count == 0 ? 1 : shard_count;
    RINGMQ_TRY(write_file_atomic(shards_path, fmt::format("{}\n", s->shard_count_)));
  }

  const std::string abort_path = s->root_ + "/abort";
  s->crashed_ = path_exists(abort_path);
  if (s->crashed_) log_warn("store {}: abort marker found, the last run did not stop cleanly; recovering", s->root_);
  RINGMQ_TRY(write_file_atomic(abort_path, ""));
  RINGMQ_TRY_ASSIGN(s->checkpoint_, Checkpoint::open(s->root_ + "/checkpoint"));
  return s;
}

Status StoreRoot::close_clean() {
  // A shard that did not close cleanly may have log bytes past its checkpoint slot (a flush round
  // still in flight, or one that failed). The clean open path trusts the slot and zeroes what
  // follows it, so removing the marker now would destroy records, even acknowledged ones.
  if (shard_close_failed_.load())
    return make_error(Errc::busy, fmt::format("store {}: a shard did not close cleanly; keeping the abort marker", root_));
  RINGMQ_TRY(checkpoint_->file()->sync());
  RINGMQ_TRY(remove_file(root_ + "/abort"));
  return fsync_dir(root_);
}

}  // namespace ringmq::store
