// plain_acl.yml parsing (libyaml document walk, accounts, permissions, address patterns).
#include <cstdint>
#include <string_view>

#include "broker/acl/plain_acl_config.h"

using namespace ringmq;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto config = broker::acl::parse_plain_acl(std::string_view(reinterpret_cast<const char*>(data), size));
  if (config) {
    for (const auto& white : config->global_white) (void)white.matches("127.0.0.1");
  }
  return 0;
}
