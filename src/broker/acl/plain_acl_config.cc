#include "broker/acl/plain_acl_config.h"

#include <yaml.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <fmt/format.h>

namespace ringmq::broker::acl {

namespace {

// A loaded libyaml document, freed on every path out.
class YamlDocument {
 public:
  YamlDocument() = default;
  YamlDocument(const YamlDocument&) = delete;
  YamlDocument& operator=(const YamlDocument&) = delete;
  ~YamlDocument() {
    if (loaded_) yaml_document_delete(&doc_);
  }

  Status load(std::string_view text) {
    yaml_parser_t parser;
    if (yaml_parser_initialize(&parser) == 0) return make_error(Errc::no_space, "yaml parser");
    // libyaml asserts on a null input pointer, which an empty view may carry (found by fuzzing).
    static const unsigned char kEmpty[1] = {0};
    const auto* input = text.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(text.data());
    yaml_parser_set_input_string(&parser, input, text.size());
    const bool ok = yaml_parser_load(&parser, &doc_) != 0;
    Status status;
    if (!ok) {
      status = make_error(Errc::malformed, fmt::format("plain_acl.yml is not YAML: {} at line {}",
                                                       parser.problem ? parser.problem : "error",
                                                       parser.problem_mark.line + 1));
    }
    yaml_parser_delete(&parser);
    loaded_ = ok;
    return status;
  }

  yaml_node_t* root() { return loaded_ ? yaml_document_get_root_node(&doc_) : nullptr; }
  yaml_node_t* node(int id) { return yaml_document_get_node(&doc_, id); }

  std::string_view scalar(const yaml_node_t* n) const {
    if (n == nullptr || n->type != YAML_SCALAR_NODE) return {};
    return {reinterpret_cast<const char*>(n->data.scalar.value), n->data.scalar.length};
  }
  // A scalar that YAML (and so SnakeYAML) reads as null: empty, "~", "null".
  bool is_null(const yaml_node_t* n) const {
    if (n == nullptr) return true;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return false;
    const auto s = scalar(n);
    return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
  }
  // The value of `key` in mapping `map`, or nullptr.
  yaml_node_t* get(const yaml_node_t* map, std::string_view key) {
    if (map == nullptr || map->type != YAML_MAPPING_NODE) return nullptr;
    for (auto* pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; ++pair) {
      if (scalar(node(pair->key)) == key) return node(pair->value);
    }
    return nullptr;
  }
  // The scalars of a sequence (a scalar alone counts as a one-element list; null is empty).
  Result<std::vector<std::string_view>> strings(const yaml_node_t* n, std::string_view what) {
    std::vector<std::string_view> out;
    if (is_null(n)) return out;
    if (n->type == YAML_SCALAR_NODE) {
      out.push_back(scalar(n));
      return out;
    }
    if (n->type != YAML_SEQUENCE_NODE) return make_error(Errc::malformed, fmt::format("{} is not a list", what));
    for (auto* item = n->data.sequence.items.start; item < n->data.sequence.items.top; ++item) {
      const yaml_node_t* e = node(*item);
      if (e == nullptr || e->type != YAML_SCALAR_NODE) {
        return make_error(Errc::malformed, fmt::format("{} holds a value that is not text", what));
      }
      out.push_back(scalar(e));
    }
    return out;
  }

 private:
  yaml_document_t doc_{};
  bool loaded_ = false;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

bool yaml_true(std::string_view s) {
  return s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "Yes" || s == "YES" || s == "on" ||
         s == "On" || s == "ON";
}

// Permission.parseResourcePerms: "name=PERM" each; groups are stored as their retry topic.
Status parse_resource_perms(PlainAccount& account, const std::vector<std::string_view>& perms, bool topic) {
  for (std::string_view entry : perms) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0; start <= entry.size();) {
      std::size_t end = entry.find('=', start);
      if (end == std::string_view::npos) end = entry.size();
      if (end > start) parts.push_back(entry.substr(start, end - start));
      start = end + 1;
    }
    if (parts.size() != 2) {
      return make_error(Errc::malformed, fmt::format("Parse resource permission failed for {}:{}",
                                                     topic ? "topic" : "group", entry));
    }
    const std::string name = topic ? std::string(trim(parts[0])) : fmt::format("%RETRY%{}", trim(parts[0]));
    account.resource_perms[name] = parse_perm(parts[1]);
    account.has_resource_perms = true;
  }
  return {};
}

Result<PlainAccount> parse_account(YamlDocument& doc, const yaml_node_t* n) {
  if (n == nullptr || n->type != YAML_MAPPING_NODE) return make_error(Errc::malformed, "an account is not a mapping");
  PlainAccount a;
  a.access_key = std::string(doc.is_null(doc.get(n, "accessKey")) ? "" : doc.scalar(doc.get(n, "accessKey")));
  a.secret_key = std::string(doc.is_null(doc.get(n, "secretKey")) ? "" : doc.scalar(doc.get(n, "secretKey")));
  if (a.access_key.size() <= kAclKeyLengthMin || a.secret_key.size() <= kAclKeyLengthMin) {
    return make_error(Errc::malformed,
                      fmt::format("The accessKey={} and secretKey={} cannot be null and length should longer than 6",
                                  a.access_key, a.secret_key));
  }
  const yaml_node_t* white = doc.get(n, "whiteRemoteAddress");
  a.white_remote_address = std::string(doc.is_null(white) ? "" : doc.scalar(white));
  RINGMQ_TRY_ASSIGN(a.white, RemoteAddressPattern::parse(a.white_remote_address));
  a.admin = yaml_true(doc.scalar(doc.get(n, "admin")));
  a.default_topic_perm = parse_perm(doc.scalar(doc.get(n, "defaultTopicPerm")));
  a.default_group_perm = parse_perm(doc.scalar(doc.get(n, "defaultGroupPerm")));
  RINGMQ_TRY_ASSIGN(auto group_perms, doc.strings(doc.get(n, "groupPerms"), "groupPerms"));
  RINGMQ_TRY(parse_resource_perms(a, group_perms, false));
  RINGMQ_TRY_ASSIGN(auto topic_perms, doc.strings(doc.get(n, "topicPerms"), "topicPerms"));
  RINGMQ_TRY(parse_resource_perms(a, topic_perms, true));
  return a;
}

}  // namespace

Result<PlainAclConfig> parse_plain_acl(std::string_view yaml) {
  if (yaml.size() > kAclFileBytesMax) {
    return make_error(Errc::too_large, fmt::format("plain_acl.yml is {} bytes, more than {}", yaml.size(), kAclFileBytesMax));
  }
  YamlDocument doc;
  RINGMQ_TRY(doc.load(yaml));
  PlainAclConfig config;
  yaml_node_t* root = doc.root();
  if (root == nullptr || doc.is_null(root)) return config;
  if (root->type != YAML_MAPPING_NODE) return make_error(Errc::malformed, "plain_acl.yml is not a mapping");
  RINGMQ_TRY_ASSIGN(auto white, doc.strings(doc.get(root, "globalWhiteRemoteAddresses"), "globalWhiteRemoteAddresses"));
  for (std::string_view pattern : white) {
    RINGMQ_TRY_ASSIGN(auto parsed, RemoteAddressPattern::parse(pattern));
    config.global_white.push_back(std::move(parsed));
  }
  const yaml_node_t* accounts = doc.get(root, "accounts");
  if (doc.is_null(accounts)) return config;
  if (accounts->type != YAML_SEQUENCE_NODE) return make_error(Errc::malformed, "accounts is not a list");
  const auto count = static_cast<std::size_t>(accounts->data.sequence.items.top - accounts->data.sequence.items.start);
  if (count > kAclAccountsMax) {
    return make_error(Errc::too_large, fmt::format("plain_acl.yml has {} accounts, more than {}", count, kAclAccountsMax));
  }
  for (auto* item = accounts->data.sequence.items.start; item < accounts->data.sequence.items.top; ++item) {
    RINGMQ_TRY_ASSIGN(auto account, parse_account(doc, doc.node(*item)));
    std::string key = account.access_key;
    config.accounts.insert_or_assign(std::move(key), std::move(account));
  }
  return config;
}

Result<PlainAclConfig> load_plain_acl(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, fmt::format("cannot read ACL file {}", path));
  std::string text;
  char chunk[8192];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kAclFileBytesMax) {
      return make_error(Errc::too_large, fmt::format("ACL file {} is larger than {} bytes", path, kAclFileBytesMax));
    }
  }
  auto config = parse_plain_acl(text);
  if (!config) return make_error(config.error().code, fmt::format("{}: {}", path, config.error().detail));
  return config;
}

}  // namespace ringmq::broker::acl
