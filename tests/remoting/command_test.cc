// RemotingCommand helpers: typed extFields access with Java's parsing rules (§1.11), language
// names, request/response code names.
#include <doctest/doctest.h>

#include "remoting/command.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

using namespace ringmq;
using namespace ringmq::remoting;

TEST_CASE("ext_fields: integers parse as Integer.parseInt / Long.parseLong do") {
  ExtFields f;
  f.set("queueId", "3");
  f.set("neg", "-2147483648");
  f.set("plus", "+7");
  f.set("over", "2147483648");
  f.set("offset", "9223372036854775807");
  f.set("space", " 1");
  f.set("float", "1.0");
  f.set("empty", "");
  f.set("sign", "-");
  CHECK(*f.get_int32("queueId") == 3);
  CHECK(*f.get_int32("neg") == INT32_MIN);
  CHECK(*f.get_int32("plus") == 7);
  CHECK(f.get_int32("over").error().code == Errc::malformed);
  CHECK(*f.get_int64("over") == 2147483648LL);
  CHECK(*f.get_int64("offset") == INT64_MAX);
  for (const char* bad : {"space", "float", "empty", "sign"}) {
    CAPTURE(bad);
    CHECK(f.get_int64(bad).error().code == Errc::malformed);
  }
  CHECK(f.get_int32("absent").error().code == Errc::not_found);
  CHECK(*f.get_int32_or("absent", 16) == 16);
  CHECK(*f.get_int64_or("offset", 0) == INT64_MAX);
  CHECK(f.get_int32_or("float", 0).error().code == Errc::malformed);
}

TEST_CASE("ext_fields: booleans are Boolean.parseBoolean: \"true\" in any case, anything else false") {
  ExtFields f;
  f.set("a", "true");
  f.set("b", "TRUE");
  f.set("c", "yes");
  f.set("d", "");
  CHECK(*f.get_bool("a"));
  CHECK(*f.get_bool("b"));
  CHECK_FALSE(*f.get_bool("c"));
  CHECK_FALSE(*f.get_bool("d"));
  CHECK(f.get_bool("absent").error().code == Errc::not_found);
  CHECK(f.get_bool_or("absent", true));
  CHECK_FALSE(f.get_bool_or("c", true));
}

TEST_CASE("ext_fields: set replaces, append keeps both but get sees the last, erase removes all") {
  ExtFields f;
  f.set_int("queueOffset", -5);
  f.set_bool("changed", true);
  f.set("queueOffset", "6");
  CHECK(f.size() == 2);
  CHECK(f.get("queueOffset") == "6");
  CHECK(f.get("changed") == "true");
  f.append("k", "1");
  f.append("k", "2");
  CHECK(f.get("k") == "2");
  CHECK(*f.get_string("k") == "2");
  CHECK(f.erase("k"));
  CHECK_FALSE(f.contains("k"));
  CHECK_FALSE(f.erase("k"));
}

TEST_CASE("language: Java names by byte and back, unknown bytes have no name") {
  CHECK(language_name(LanguageCode::java) == "JAVA");
  CHECK(language_name(LanguageCode::cpp) == "CPP");
  CHECK(language_name(LanguageCode::nodejs) == "NODE_JS");
  CHECK(language_name(static_cast<LanguageCode>(14)).empty());
  CHECK(language_from_name("GO") == LanguageCode::go);
  CHECK(language_from_name("RUST") == LanguageCode::rust);
  CHECK_FALSE(language_from_name("java").has_value());
}

TEST_CASE("codes: constants match the protocol tables and names are found for logs") {
  CHECK(request_code::kSendMessage == 10);
  CHECK(request_code::kSendMessageV2 == 310);
  CHECK(request_code::kSendBatchMessage == 320);
  CHECK(request_code::kGetRouteinfoByTopic == 105);
  CHECK(request_code::kPopMessage == 200050);
  CHECK(request_code_name(310) == "SEND_MESSAGE_V2");
  CHECK(request_code_name(200151) == "BATCH_ACK_MESSAGE");
  CHECK(request_code_name(9999).empty());
  CHECK(response_code::kPullNotFound == 19);
  CHECK(response_code::kTransactionStateUnknow == 202);
  CHECK(response_code_name(0) == "SUCCESS");
  CHECK(response_code_name(17) == "TOPIC_NOT_EXIST");
  CHECK(response_code_name(209) == "POLLING_FULL|UPDATE_AND_CREATE_ACL_CONFIG_FAILED");
  CHECK(response_code_name(-1).empty());
}
