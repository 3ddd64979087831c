// Big-endian load/store (RocketMQ's wire and disk order) and a bounds-checked reader and an
// appending writer over byte buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace ringmq {

using Bytes = std::span<const std::uint8_t>;

inline Bytes as_bytes(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
inline std::string_view as_string_view(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

inline std::uint16_t load_be16(const void* p) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap16(v);
}
inline std::uint32_t load_be32(const void* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap32(v);
}
inline std::uint64_t load_be64(const void* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_bswap64(v);
}
inline void store_be16(void* p, std::uint16_t v) {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, sizeof v);
}
inline void store_be32(void* p, std::uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, sizeof v);
}
inline void store_be64(void* p, std::uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, sizeof v);
}

// Reads big-endian fields from a span. Every read checks the remaining length; after the first
// short read the reader stays failed and returns zeros, so a parser can read a whole struct and
// check ok() once.
class ByteReader {
 public:
  explicit ByteReader(Bytes data) : data_(data) {}

  bool ok() const { return ok_; }
  std::size_t remaining() const { return data_.size() - pos_; }
  std::size_t position() const { return pos_; }

  std::uint8_t u8() { return take(1) ? data_[pos_ - 1] : 0; }
  std::uint16_t u16() { return take(2) ? load_be16(&data_[pos_ - 2]) : 0; }
  std::uint32_t u32() { return take(4) ? load_be32(&data_[pos_ - 4]) : 0; }
  std::uint64_t u64() { return take(8) ? load_be64(&data_[pos_ - 8]) : 0; }
  std::int16_t i16() { return static_cast<std::int16_t>(u16()); }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  Bytes bytes(std::size_t n) { return take(n) ? data_.subspan(pos_ - n, n) : Bytes{}; }
  std::string_view string(std::size_t n) { return as_string_view(bytes(n)); }

 private:
  bool take(std::size_t n) {
    if (!ok_ || remaining() < n) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }

  Bytes data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// Appends big-endian fields to a std::string used as a byte buffer.
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) { append_be(v, store_be16); }
  void u32(std::uint32_t v) { append_be(v, store_be32); }
  void u64(std::uint64_t v) { append_be(v, store_be64); }
  void i16(std::int16_t v) { u16(static_cast<std::uint16_t>(v)); }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void bytes(std::string_view v) { out_.append(v); }
  void bytes(Bytes v) { out_.append(reinterpret_cast<const char*>(v.data()), v.size()); }
  std::size_t size() const { return out_.size(); }
  // Overwrites 4 bytes already written at `pos` (length prefixes known only at the end).
  void patch_u32(std::size_t pos, std::uint32_t v) { store_be32(out_.data() + pos, v); }

 private:
  template <typename T, typename Store>
  void append_be(T v, Store store) {
    char tmp[sizeof(T)];
    store(tmp, v);
    out_.append(tmp, sizeof(T));
  }

  std::string& out_;
};

}  // namespace ringmq
