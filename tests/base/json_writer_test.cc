#include <doctest/doctest.h>

#include "base/json_writer.h"

using namespace ringmq;

TEST_CASE("json_writer: nested objects and arrays get commas in the right places") {
  JsonWriter w;
  w.begin_object()
      .key("code").value(34)
      .key("list").begin_array().value(1).value("two").begin_object().end_object().end_array()
      .key("ok").value(true)
      .end_object();
  CHECK(w.str() == R"({"code":34,"list":[1,"two",{}],"ok":true})");
}

TEST_CASE("json_writer: strings are escaped, control bytes as \\u00XX") {
  JsonWriter w;
  w.value(std::string_view("a\"b\\c\n\x01", 7));
  CHECK(w.str() == R"("a\"b\\c\n\u0001")");
}

TEST_CASE("json_writer: numeric keys are written unquoted, as fastjson does for old clients") {
  JsonWriter w;
  w.begin_object().numeric_key(0).value("127.0.0.1:10911").numeric_key(1).value("x").end_object();
  CHECK(w.str() == R"({0:"127.0.0.1:10911",1:"x"})");
}
