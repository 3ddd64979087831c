#include "client/rebalance.h"

#include <algorithm>

namespace ringmq::client {

std::vector<MessageQueue> allocate_averagely(std::vector<MessageQueue> mq_all, std::vector<std::string> cid_all,
                                             std::string_view current_cid) {
  std::sort(mq_all.begin(), mq_all.end());
  std::sort(cid_all.begin(), cid_all.end());
  auto it = std::find(cid_all.begin(), cid_all.end(), current_cid);
  if (it == cid_all.end() || mq_all.empty()) return {};
  const std::size_t n = mq_all.size();
  const std::size_t m = cid_all.size();
  const std::size_t i = static_cast<std::size_t>(it - cid_all.begin());
  const std::size_t mod = n % m;
  const std::size_t avg = n <= m ? 1 : (mod > 0 && i < mod ? n / m + 1 : n / m);
  const std::size_t start = (mod > 0 && i < mod) ? i * avg : i * avg + mod;
  if (start >= n) return {};
  const std::size_t range = std::min(avg, n - start);
  return {mq_all.begin() + static_cast<std::ptrdiff_t>(start),
          mq_all.begin() + static_cast<std::ptrdiff_t>(start + range)};
}

}  // namespace ringmq::client
