// Header codec micro-benchmarks on real SEND_MESSAGE_V2 requests (the broker's hot path) and on
// a typical send response. Frames are copied from tests/data/wire.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "remoting/codec.h"
#include "remoting/message_properties.h"

namespace {

using namespace ringmq;
using namespace ringmq::remoting;

// 05d-java-quickstart-producer.jsonl line 6: SEND_MESSAGE_V2, json, 403 bytes, body 16 bytes.
constexpr std::string_view kJavaJsonSendV2 =
    "0000018f0000017b7b22636f6465223a3331302c226578744669656c6473223a7b2261223a22706c656173655f72656e"
    "616d655f756e697175655f67726f75705f6e616d65222c2262223a22546f70696354657374222c2263223a2254425731"
    "3032222c2264223a2234222c2265223a2233222c2266223a2230222c2267223a2231373935323735363732393230222c"
    "2268223a2230222c2269223a22554e49515f4b45595c7530303031464430303030303030303030303030303030303030"
    "30303030303030303030323044364335464644324232373641354345353538303030305c7530303032574149545c7530"
    "303031747275655c7530303032544147535c753030303154616741222c226a223a2230222c226b223a2266616c736522"
    "2c226d223a2266616c7365227d2c22666c6167223a302c226c616e6775616765223a224a415641222c226f7061717565"
    "223a332c2273657269616c697a655479706543757272656e74525043223a224a534f4e222c2276657273696f6e223a34"
    "30317d48656c6c6f20526f636b65744d512030";

// 04-cpp-clients.jsonl line 3: SEND_MESSAGE_V2, json, 440 bytes, body 30 bytes.
constexpr std::string_view kCppJsonSendV2 =
    "000001b4000001927b22636f6465223a3331302c226578744669656c6473223a7b224163636573734b6579223a226d71"
    "2061636573736b6579222c224f6e734368616e6e656c223a22414c4959554e222c225369676e6174757265223a227334"
    "302b524f59734f2b6d305269635835705535504b5245534b773d222c2261223a2250475f637070222c2262223a22546f"
    "70696354657374222c2263223a22544257313032222c2264223a342c2265223a302c2266223a302c2267223a22313739"
    "35323735343438363035222c2268223a302c2269223a22544147535c75303030312a5c7530303032554e49515f4b4559"
    "5c753030303137463030303030313633373231414339424442433641353937393144303030305c753030303257414954"
    "5c7530303031747275655c7530303032222c226a223a2230222c226b223a2266616c7365222c226c223a31362c226d22"
    "3a2266616c7365227d2c22666c6167223a302c226c616e6775616765223a22435050222c226f7061717565223a312c22"
    "72656d61726b223a22222c2276657273696f6e223a3333337d0a68656c6c6f2066726f6d206370706d7367626f647920"
    "666f722074657374";

// 05a-java-bench-producer.jsonl line 7: SEND_MESSAGE_V2, rocketmq, 403 bytes, body 128 bytes.
constexpr std::string_view kJavaRocketmqSendV2 =
    "0000018f0100010b0136000191000000050000000000000000000000f60001610000001262656e63686d61726b5f7072"
    "6f647563657200016200000009546f706963546573740001630000000654425731303200016400000001340001650000"
    "00013200016600000001300001670000000d313739353237353439343535340001680000000130000169000000654b45"
    "5953013137393532373534393402554e49515f4b45590146443030303030303030303030303030303030303030303030"
    "303030303030323639363635464644324232373641354132433939303030300257414954017472756502544147530174"
    "61673100016a000000013000016b0000000566616c736500016d0000000566616c73657479494c31614e767a6c596333"
    "45456a44426552496f693244354a65424e774c36594169324c70526a6246396c61596e4777656854676d5a75724d6941"
    "59346d6d4d4750466d61587036345a4b66726279306f5848496c6a614d44397a5452634b7a6749633868474c45727876"
    "696e3861454957366c33413741754570317461";
std::string from_hex(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

// A captured frame split once, outside the timed loop.
struct Sample {
  explicit Sample(std::string_view hex) : frame(from_hex(hex)) {
    auto p = split_frame(as_bytes(frame));
    if (!p.ok()) std::abort();
    parts = *p;
    auto c = decode_frame(as_bytes(frame));
    if (!c.ok()) std::abort();
    cmd = std::move(c).value();
  }
  std::string frame;
  FrameParts parts;
  RemotingCommand cmd;
};

const Sample& sample(std::string_view hex) {
  // One per distinct constant; the three are static storage, so their addresses are stable keys.
  static const Sample java_json(kJavaJsonSendV2);
  static const Sample cpp_json(kCppJsonSendV2);
  static const Sample java_rocketmq(kJavaRocketmqSendV2);
  if (hex.data() == kJavaJsonSendV2.data()) return java_json;
  if (hex.data() == kCppJsonSendV2.data()) return cpp_json;
  return java_rocketmq;
}

// decode_header: a fresh RemotingCommand per call (what decode_frame does).
void BM_DecodeHeader(benchmark::State& state, std::string_view hex) {
  const Sample& s = sample(hex);
  for (auto _ : state) {
    auto cmd = decode_header(s.parts.serialize_type, s.parts.header);
    benchmark::DoNotOptimize(cmd);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.parts.header.size()));
}

// decode_header_into: one command reused per connection, as a receive loop can.
void BM_DecodeHeaderInto(benchmark::State& state, std::string_view hex) {
  const Sample& s = sample(hex);
  RemotingCommand cmd;
  for (auto _ : state) {
    auto st = decode_header_into(s.parts.serialize_type, s.parts.header, cmd);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(cmd);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.parts.header.size()));
}

void BM_DecodeFrame(benchmark::State& state, std::string_view hex) {
  const Sample& s = sample(hex);
  for (auto _ : state) {
    auto cmd = decode_frame(as_bytes(s.frame));
    benchmark::DoNotOptimize(cmd);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.frame.size()));
}

// Re-encodes the captured request in its own serialization into a reused buffer.
void BM_EncodeHeader(benchmark::State& state, std::string_view hex) {
  const Sample& s = sample(hex);
  std::string out;
  for (auto _ : state) {
    out.clear();
    encode_header(s.cmd, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}

// The broker's answer to a send: five extFields, no body, built and framed per request.
void BM_EncodeSendResponse(benchmark::State& state, SerializeType type) {
  RemotingCommand req = RemotingCommand::request(310, type);
  req.opaque = 12345;
  std::string out;
  for (auto _ : state) {
    RemotingCommand resp = RemotingCommand::response_to(req, 0);
    resp.ext_fields.reserve(5);
    resp.ext_fields.append("msgId", "7F00000100009FCF00000000000A1B2C");
    resp.ext_fields.append("queueId", "3");
    resp.ext_fields.append("queueOffset", "123456");
    resp.ext_fields.append("MSG_REGION", "DefaultRegion");
    resp.ext_fields.append("TRACE_ON", "true");
    out.clear();
    auto st = encode_frame(resp, out);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_FindTagsProperty(benchmark::State& state) {
  const Sample& s = sample(kJavaRocketmqSendV2);
  const std::string props(*s.cmd.ext_fields.get("i"));
  for (auto _ : state) benchmark::DoNotOptimize(find_property(props, "TAGS"));
}

void BM_DecodeProperties(benchmark::State& state) {
  const Sample& s = sample(kJavaRocketmqSendV2);
  const std::string props(*s.cmd.ext_fields.get("i"));
  for (auto _ : state) benchmark::DoNotOptimize(MessageProperties::decode(props));
}

BENCHMARK_CAPTURE(BM_DecodeHeader, json_java, kJavaJsonSendV2);
BENCHMARK_CAPTURE(BM_DecodeHeader, json_cpp, kCppJsonSendV2);
BENCHMARK_CAPTURE(BM_DecodeHeader, rocketmq_java, kJavaRocketmqSendV2);
BENCHMARK_CAPTURE(BM_DecodeHeaderInto, json_java, kJavaJsonSendV2);
BENCHMARK_CAPTURE(BM_DecodeHeaderInto, rocketmq_java, kJavaRocketmqSendV2);
BENCHMARK_CAPTURE(BM_DecodeFrame, json_java, kJavaJsonSendV2);
BENCHMARK_CAPTURE(BM_DecodeFrame, rocketmq_java, kJavaRocketmqSendV2);
BENCHMARK_CAPTURE(BM_EncodeHeader, json_java, kJavaJsonSendV2);
BENCHMARK_CAPTURE(BM_EncodeHeader, rocketmq_java, kJavaRocketmqSendV2);
BENCHMARK_CAPTURE(BM_EncodeSendResponse, json, SerializeType::json);
BENCHMARK_CAPTURE(BM_EncodeSendResponse, rocketmq, SerializeType::rocketmq);
BENCHMARK(BM_FindTagsProperty);
BENCHMARK(BM_DecodeProperties);

}  // namespace

BENCHMARK_MAIN();
