// SPDX-License-Identifier: Apache-2.0
// The .npy reader and writer: every supported dtype and format version round-trips, the writer's
// bytes equal numpy's, and every malformed file is refused with a message naming the file.
#include "sim/npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "sim/core/errors.h"

namespace tpesim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// This process's folder under the test temp dir; removed at exit unless a test failed.
struct TempRoot {
  fs::path dir = fs::path(testing::TempDir()) / ("tpesim_npy_" + std::to_string(::getpid()));
  ~TempRoot() {
    std::error_code ec;
    if (!testing::UnitTest::GetInstance()->Failed()) fs::remove_all(dir, ec);
  }
};

// A fresh path `name` in a folder of its own, unique per call.
fs::path temp_path(const std::string& name) {
  static TempRoot root;
  static std::atomic<int> counter{0};
  const fs::path dir = root.dir / std::to_string(counter++);
  fs::create_directories(dir);
  return dir / name;
}

// `bytes` little-endian bytes of `v`.
std::string le(std::uint64_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A .npy file byte by byte: magic, version (major.minor), header length (2 bytes for 1.x, else 4),
// the header text padded with spaces and '\n' to a multiple of `align`, then `payload`.
std::string npy_bytes(const std::string& dict, const std::string& payload, int major = 1,
                      int minor = 0, std::size_t align = 64) {
  const int len_bytes = major == 1 ? 2 : 4;
  const std::size_t preamble = 8 + static_cast<std::size_t>(len_bytes);
  std::string header = dict;
  while ((preamble + header.size() + 1) % align != 0) header += ' ';
  header += '\n';
  std::string s = "\x93NUMPY";
  s += static_cast<char>(major);
  s += static_cast<char>(minor);
  s += le(header.size(), len_bytes);
  return s + header + payload;
}

std::string dict_for(const std::string& descr, const std::string& shape) {
  return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
}

fs::path write_bytes(const std::string& name, const std::string& bytes) {
  const fs::path p = temp_path(name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The UserError message read_npy raises for a file with these bytes ("" if none).
std::string read_error(const std::string& bytes, fs::path* path_out = nullptr) {
  const fs::path p = write_bytes("bad.npy", bytes);
  if (path_out) *path_out = p;
  try {
    read_npy(p);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

std::string f32(float v) { return le(std::bit_cast<std::uint32_t>(v), 4); }
std::string f64(double v) { return le(std::bit_cast<std::uint64_t>(v), 8); }

// ---- reading every dtype ---------------------------------------------------------------------

// int8 ('|i1'): both sign extremes survive, as integers and as doubles.
TEST(NpyTest, ReadsInt8) {
  const std::string payload = le(0x80, 1) + le(0x7f, 1) + le(0xff, 1) + le(0, 1);
  const NpyArray a = read_npy(write_bytes("a.npy", npy_bytes(dict_for("|i1", "(2, 2)"), payload)));
  EXPECT_EQ(a.dtype, "|i1");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(as_integers(a), (std::vector<std::int64_t>{-128, 127, -1, 0}));
  EXPECT_EQ(as_doubles(a), (std::vector<double>{-128, 127, -1, 0}));
}

// '<i1' is normalized to numpy's '|i1' (byte order means nothing for one byte).
TEST(NpyTest, ReadsLittleEndianSpelledInt8) {
  const NpyArray a = read_npy(write_bytes("a.npy", npy_bytes(dict_for("<i1", "(1,)"), le(5, 1))));
  EXPECT_EQ(a.dtype, "|i1");
  EXPECT_EQ(as_integers(a), (std::vector<std::int64_t>{5}));
}

// int16 ('<i2').
TEST(NpyTest, ReadsInt16) {
  const std::string payload = le(0x8000, 2) + le(0x7fff, 2) + le(0xfffe, 2);
  const NpyArray a = read_npy(write_bytes("a.npy", npy_bytes(dict_for("<i2", "(3,)"), payload)));
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(as_integers(a), (std::vector<std::int64_t>{-32768, 32767, -2}));
}

// int32 ('<i4').
TEST(NpyTest, ReadsInt32) {
  const std::string payload = le(0x80000000u, 4) + le(0x7fffffffu, 4) + le(0xfffffffdu, 4);
  const NpyArray a = read_npy(write_bytes("a.npy", npy_bytes(dict_for("<i4", "(1, 3)"), payload)));
  EXPECT_EQ(as_integers(a),
            (std::vector<std::int64_t>{std::numeric_limits<std::int32_t>::min(),
                                       std::numeric_limits<std::int32_t>::max(), -3}));
}

// int64 ('<i8'), including the extremes.
TEST(NpyTest, ReadsInt64) {
  const std::string payload = le(0x8000000000000000ull, 8) + le(0x7fffffffffffffffull, 8);
  const NpyArray a = read_npy(write_bytes("a.npy", npy_bytes(dict_for("<i8", "(2, 1)"), payload)));
  EXPECT_EQ(as_integers(a), (std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min(),
                                                       std::numeric_limits<std::int64_t>::max()}));
}

// float32 ('<f4'): signed zero, a subnormal, infinity and NaN are kept bit for bit.
TEST(NpyTest, ReadsFloat32) {
  const float sub = std::numeric_limits<float>::denorm_min();
  const std::string payload = f32(1.5f) + f32(-0.0f) + f32(sub) +
                              f32(std::numeric_limits<float>::infinity()) + f32(std::nanf(""));
  const NpyArray a = read_npy(write_bytes("a.npy", npy_bytes(dict_for("<f4", "(5,)"), payload)));
  const std::vector<double> v = as_doubles(a);
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0], 1.5);
  EXPECT_TRUE(v[1] == 0 && std::signbit(v[1]));
  EXPECT_EQ(v[2], static_cast<double>(sub));
  EXPECT_TRUE(std::isinf(v[3]));
  EXPECT_TRUE(std::isnan(v[4]));
}

// float64 ('<f8').
TEST(NpyTest, ReadsFloat64) {
  const std::string payload = f64(0.1) + f64(-1e300) + f64(5e-324);
  const NpyArray a = read_npy(write_bytes("a.npy", npy_bytes(dict_for("<f8", "(3,)"), payload)));
  EXPECT_EQ(as_doubles(a), (std::vector<double>{0.1, -1e300, 5e-324}));
}

// Integer-only access refuses float data.
TEST(NpyTest, AsIntegersRejectsFloats) {
  const NpyArray a = read_npy(write_bytes("a.npy", npy_bytes(dict_for("<f4", "(1,)"), f32(1))));
  EXPECT_THROW(as_integers(a), UserError);
}

// Scalars (shape ()), empty arrays and any ndim are valid .npy files; ndim is the caller's rule.
TEST(NpyTest, ReadsScalarsEmptyAndHigherRank) {
  const NpyArray s = read_npy(write_bytes("s.npy", npy_bytes(dict_for("<i4", "()"), le(7, 4))));
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(as_integers(s), (std::vector<std::int64_t>{7}));
  const NpyArray e = read_npy(write_bytes("e.npy", npy_bytes(dict_for("<f8", "(0, 3)"), "")));
  EXPECT_EQ(npy_element_count(e), 0);
  const NpyArray c =
      read_npy(write_bytes("c.npy", npy_bytes(dict_for("|i1", "(1, 2, 2)"), std::string(4, 1))));
  EXPECT_EQ(c.shape, (std::vector<std::int64_t>{1, 2, 2}));
}

// Versions 2.0 and 3.0 (4-byte header length) read like 1.0.
TEST(NpyTest, ReadsVersions2And3) {
  for (int major : {2, 3}) {
    const NpyArray a = read_npy(
        write_bytes("v.npy", npy_bytes(dict_for("<i2", "(2,)"), le(1, 2) + le(0xffff, 2), major)));
    EXPECT_EQ(as_integers(a), (std::vector<std::int64_t>{1, -1})) << "version " << major;
  }
}

// Headers of other writers: keys in any order, double quotes, no trailing comma, 16-byte
// alignment, Python 2 long suffixes.
TEST(NpyTest, ReadsOtherWritersHeaders) {
  const std::string dict = "{\"shape\": (2L, 1L), \"descr\": \"<i4\", \"fortran_order\": False}";
  const NpyArray a = read_npy(write_bytes("o.npy", npy_bytes(dict, le(3, 4) + le(4, 4), 1, 0, 16)));
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(as_integers(a), (std::vector<std::int64_t>{3, 4}));
}

// ---- writing -----------------------------------------------------------------------------------

// The writer's bytes equal numpy 1.24's np.save of the same array: version 1.0, the dict with
// numpy's 21-digit growth room, space padding to 64 bytes, '\n'.
TEST(NpyTest, WritesExactlyWhatNumpyWrites) {
  const fs::path p = temp_path("w.npy");
  write_npy(p, make_npy({2, 2}, std::vector<float>{1.5f, -2.0f, 0.0f, 3.0f}));
  const std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) +
                               "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }" +
                               std::string(58, ' ') + "\n" + f32(1.5f) + f32(-2.0f) + f32(0.0f) +
                               f32(3.0f);
  EXPECT_EQ(read_bytes(p), expected);
}

// float32 round trip.
TEST(NpyTest, Float32RoundTrip) {
  const std::vector<float> v = {
      0.1f, -0.0f, std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min(),
      7.0f, -3.25f};
  const fs::path p = temp_path("f.npy");
  write_npy(p, make_npy({2, 3}, v));
  const NpyArray a = read_npy(p);
  EXPECT_EQ(a.dtype, "<f4");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  const std::vector<double> back = as_doubles(a);
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint32_t>(static_cast<float>(back[i])),
              std::bit_cast<std::uint32_t>(v[i]));
  }
}

// int32 round trip.
TEST(NpyTest, Int32RoundTrip) {
  const std::vector<std::int32_t> v = {std::numeric_limits<std::int32_t>::min(), -1,   0, 1,
                                       std::numeric_limits<std::int32_t>::max(), 12345};
  const fs::path p = temp_path("i.npy");
  write_npy(p, make_npy({3, 2}, v));
  const NpyArray a = read_npy(p);
  EXPECT_EQ(a.dtype, "<i4");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{3, 2}));
  EXPECT_EQ(as_integers(a), std::vector<std::int64_t>(v.begin(), v.end()));
}

// int64 round trip, including a 1 x N and an N x 1 shape.
TEST(NpyTest, Int64RoundTrip) {
  const std::vector<std::int64_t> v = {std::numeric_limits<std::int64_t>::min(), -7,
                                       std::numeric_limits<std::int64_t>::max()};
  for (std::vector<std::int64_t> shape : {std::vector<std::int64_t>{1, 3}, {3, 1}}) {
    const fs::path p = temp_path("l.npy");
    write_npy(p, make_npy(shape, v));
    const NpyArray a = read_npy(p);
    EXPECT_EQ(a.dtype, "<i8");
    EXPECT_EQ(a.shape, shape);
    EXPECT_EQ(as_integers(a), v);
    EXPECT_EQ(fs::file_size(p), 128u + 24u);  // a 128-byte header, then the data
  }
}

// A first axis of many digits still gets a 64-byte-aligned header.
TEST(NpyTest, WrittenHeaderIsAlignedForLargeShapes) {
  const fs::path p = temp_path("big.npy");
  write_npy(p, make_npy({1234567, 0}, std::vector<float>{}));
  EXPECT_EQ(fs::file_size(p), 128u);  // numpy writes the same 128 bytes
  EXPECT_EQ(read_npy(p).shape, (std::vector<std::int64_t>{1234567, 0}));
}

// ---- malformed files ---------------------------------------------------------------------------

TEST(NpyTest, MissingFile) {
  const fs::path p = temp_path("nothing.npy");
  try {
    read_npy(p);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_THAT(e.what(), StartsWith(p.string() + ": error: "));
    EXPECT_THAT(e.what(), HasSubstr("no such file"));
  }
}

TEST(NpyTest, BadMagic) {
  fs::path p;
  const std::string err = read_error("PK\x03\x04 not numpy at all", &p);
  EXPECT_THAT(err, StartsWith(p.string() + ": error: "));
  EXPECT_THAT(err, HasSubstr("bad magic"));
  EXPECT_THAT(read_error(""), HasSubstr("bad magic"));
  EXPECT_THAT(read_error("\x93NUM"), HasSubstr("bad magic"));
}

TEST(NpyTest, UnsupportedVersion) {
  EXPECT_THAT(read_error(npy_bytes(dict_for("<i4", "(1,)"), le(1, 4), 4)),
              HasSubstr("unsupported .npy format version 4.0"));
  EXPECT_THAT(read_error(npy_bytes(dict_for("<i4", "(1,)"), le(1, 4), 1, 1)),
              HasSubstr("unsupported .npy format version 1.1"));
}

TEST(NpyTest, TruncatedPreambleAndHeader) {
  EXPECT_THAT(read_error(std::string("\x93NUMPY\x01", 7)), HasSubstr("truncated"));
  EXPECT_THAT(read_error(std::string("\x93NUMPY\x01\x00\x76", 9)), HasSubstr("truncated"));
  const std::string whole = npy_bytes(dict_for("<i4", "(1,)"), le(1, 4));
  EXPECT_THAT(read_error(whole.substr(0, 40)), HasSubstr("truncated: the header should be"));
}

// The header dict must hold exactly 'descr', 'fortran_order' and 'shape', with the right types.
TEST(NpyTest, MalformedHeaderDict) {
  const std::string payload = le(1, 4);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{'descr': '<i4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
       "unexpected key 'extra'"},
      {"{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (1,)}",
       "duplicate key 'descr'"},
      {"{'descr': '<i4', 'fortran_order': 0, 'shape': (1,)}", "'fortran_order' must be True or"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (1)}", "'shape' must be a tuple"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': [1]}", "'shape' must be a tuple"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (-1,)}", "negative dimension"},
      {"{'descr': '<i4', 'fortran_order': False, 'shape': (1,)} x", "unexpected text"},
      {"{'descr': '<i4, 'fortran_order': False, 'shape': (1,)}", "malformed header dict"},
      {"('descr', '<i4')", "expected '{'"},
      {"", "expected '{'"},
  };
  for (const auto& [dict, message] : cases) {
    const std::string err = read_error(npy_bytes(dict, payload));
    EXPECT_THAT(err, HasSubstr("malformed header dict")) << dict;
    EXPECT_THAT(err, HasSubstr(message)) << dict;
  }
}

TEST(NpyTest, FortranOrder) {
  const std::string dict = "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 2), }";
  EXPECT_THAT(read_error(npy_bytes(dict, std::string(16, '\0'))), HasSubstr("fortran_order True"));
}

// An unknown dtype is named, with the list of supported ones.
TEST(NpyTest, UnsupportedDtype) {
  for (const std::string descr : {"<u2", "|u1", "<f2", "|b1", "<c8", "|S4"}) {
    const std::string err = read_error(npy_bytes(dict_for(descr, "(1,)"), std::string(8, '\0')));
    EXPECT_THAT(err, HasSubstr("unsupported dtype '" + descr + "'"));
    EXPECT_THAT(err, HasSubstr("<f4 (float32), <f8 (float64), |i1 (int8), <i2 (int16), "
                               "<i4 (int32), <i8 (int64)"));
  }
  const std::string structured =
      "{'descr': [('x', '<i4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }";
  EXPECT_THAT(read_error(npy_bytes(structured, std::string(8, '\0'))),
              HasSubstr("unsupported dtype [('x', '<i4'), ('y', '<f4')] (structured"));
}

TEST(NpyTest, BigEndian) {
  for (const std::string descr : {">f4", ">f8", ">i2", ">i4", ">i8"}) {
    EXPECT_THAT(read_error(npy_bytes(dict_for(descr, "(1,)"), std::string(8, '\0'))),
                HasSubstr("big-endian dtype '" + descr + "'"));
  }
}

TEST(NpyTest, TruncatedData) {
  EXPECT_THAT(read_error(npy_bytes(dict_for("<f4", "(2, 3)"), std::string(20, '\0'))),
              HasSubstr("truncated: expected 24 bytes of data, found 20"));
  EXPECT_THAT(read_error(npy_bytes(dict_for("<i8", "(1,)"), "")),
              HasSubstr("truncated: expected 8 bytes of data, found 0"));
}

TEST(NpyTest, TrailingBytes) {
  EXPECT_THAT(read_error(npy_bytes(dict_for("<i2", "(2,)"), std::string(5, '\0'))),
              HasSubstr("1 trailing bytes after the data (expected 4 bytes of data, found 5)"));
}

// A shape whose byte count overflows is refused instead of wrapping.
TEST(NpyTest, HugeShape) {
  EXPECT_THAT(read_error(npy_bytes(dict_for("<i8", "(4611686018427387904, 4)"), "")),
              HasSubstr("too large"));
}

}  // namespace
}  // namespace tpesim
