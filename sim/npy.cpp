// SPDX-License-Identifier: Apache-2.0
// Reading and writing NumPy .npy files: a magic string, a version, a Python dict literal that
// describes the array ('descr', 'fortran_order', 'shape'), then the raw element bytes.
// Format reference: numpy/lib/format.py (NEP 1).
#include "sim/npy.h"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "sim/core/errors.h"

namespace tpesim {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "\x93NUMPY";  // the first 6 bytes of every .npy file
constexpr std::size_t kPreambleBytes = 8;         // magic + major + minor version bytes
constexpr std::size_t kAlign = 64;                // numpy aligns the data start to 64 bytes
// numpy leaves room in the header for the first axis to grow to this many digits in place.
constexpr std::size_t kGrowthAxisMaxDigits = 21;

struct DtypeInfo {
  std::string_view descr;  // numpy's spelling in the header
  int bytes;               // bytes per element
  bool is_float;           // IEEE binary32 / binary64, else a signed integer
  std::string_view name;   // numpy's dtype name, for messages
};

constexpr std::array<DtypeInfo, 6> kDtypes{{{"<f4", 4, true, "float32"},
                                            {"<f8", 8, true, "float64"},
                                            {"|i1", 1, false, "int8"},
                                            {"<i2", 2, false, "int16"},
                                            {"<i4", 4, false, "int32"},
                                            {"<i8", 8, false, "int64"}}};

const DtypeInfo* find_dtype(std::string_view descr) {
  for (const DtypeInfo& d : kDtypes) {
    if (d.descr == descr) return &d;
  }
  return nullptr;
}

const DtypeInfo& checked_dtype(const std::string& descr) {
  const DtypeInfo* d = find_dtype(descr);
  TPESIM_CHECK(d != nullptr, "NpyArray with unsupported dtype '{}'", descr);
  return *d;
}

std::string supported_list() {
  std::string s;
  for (const DtypeInfo& d : kDtypes) {
    s += fmt::format("{}{} ({})", s.empty() ? "" : ", ", d.descr, d.name);
  }
  return s;
}

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw UserError(fmt::format("{}: error: {}", path.string(), what));
}

// A little-endian unsigned integer of `bytes` bytes.
std::uint64_t load_le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store_le(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// The two's complement value of the low `bytes` bytes of `v`.
std::int64_t sign_extend_bytes(std::uint64_t v, int bytes) {
  const int shift = 64 - 8 * bytes;
  return static_cast<std::int64_t>(v << shift) >> shift;
}

// ---- the header: a Python dict literal -------------------------------------------------------

// One value of the header dict, as far as a .npy header needs Python literals.
struct HeaderValue {
  enum class Kind { String, Bool, IntTuple, Other };
  Kind kind = Kind::Other;         // which literal it was
  std::string text;                // String: its contents; Other: its source text
  bool flag = false;               // Bool: the value
  std::vector<std::int64_t> ints;  // IntTuple: the elements
};

struct HeaderEntry {
  std::string key;    // a string key
  HeaderValue value;  // its value
};

class HeaderSyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Recursive-descent parser of `{'key': value, ...}` with string, bool, integer-tuple values;
// any other value (a list, a number) is kept as text so the caller can name it.
class HeaderParser {
 public:
  explicit HeaderParser(std::string_view text) : m_text(text) {}

  std::vector<HeaderEntry> parse_dict() {
    std::vector<HeaderEntry> entries;
    skip_space();
    expect('{');
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      HeaderEntry e;
      if (peek() != '\'' && peek() != '"') fail_here("expected a string key");
      e.key = parse_string();
      skip_space();
      expect(':');
      e.value = parse_value();
      entries.push_back(std::move(e));
      skip_space();
      if (peek() == ',') {
        ++m_pos;
        continue;
      }
      if (peek() != '}') fail_here("expected ',' or '}'");
    }
    ++m_pos;
    skip_space();
    if (m_pos != m_text.size()) fail_here("unexpected text after the dict");
    return entries;
  }

 private:
  char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
  void skip_space() {
    while (m_pos < m_text.size() &&
           (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++m_pos;
    }
  }
  [[noreturn]] void fail_here(const std::string& what) const {
    throw HeaderSyntaxError(fmt::format("{} at column {}", what, m_pos + 1));
  }
  void expect(char c) {
    if (peek() != c) fail_here(fmt::format("expected '{}'", c));
    ++m_pos;
  }
  bool consume_word(std::string_view word) {
    if (m_text.substr(m_pos, word.size()) != word) return false;
    m_pos += word.size();
    return true;
  }

  std::string parse_string() {
    const char quote = peek();
    const std::size_t end = m_text.find(quote, m_pos + 1);
    if (end == std::string_view::npos) fail_here("unterminated string");
    std::string s(m_text.substr(m_pos + 1, end - m_pos - 1));
    m_pos = end + 1;
    return s;
  }

  HeaderValue parse_value() {
    skip_space();
    HeaderValue v;
    if (peek() == '\'' || peek() == '"') {
      v.kind = HeaderValue::Kind::String;
      v.text = parse_string();
    } else if (consume_word("True")) {
      v.kind = HeaderValue::Kind::Bool;
      v.flag = true;
    } else if (consume_word("False")) {
      v.kind = HeaderValue::Kind::Bool;
    } else {
      const std::size_t start = m_pos;
      if (peek() == '(') {
        if (std::optional<std::vector<std::int64_t>> t = parse_int_tuple()) {
          v.kind = HeaderValue::Kind::IntTuple;
          v.ints = std::move(*t);
          return v;
        }
        m_pos = start;
      }
      skip_other();
      v.text = std::string(m_text.substr(start, m_pos - start));
      if (v.text.empty()) fail_here("expected a value");
    }
    return v;
  }

  // `(1, 2)`, `(3,)` or `()`; Python 2's `3L` suffix is accepted. nullopt for anything else,
  // including `(3)`, which Python reads as an int rather than a tuple.
  std::optional<std::vector<std::int64_t>> parse_int_tuple() {
    ++m_pos;
    std::vector<std::int64_t> ints;
    bool trailing_comma = false;
    for (;;) {
      skip_space();
      if (peek() == ')') break;
      std::optional<std::int64_t> i = parse_int();
      if (!i) return std::nullopt;
      ints.push_back(*i);
      skip_space();
      trailing_comma = peek() == ',';
      if (trailing_comma) {
        ++m_pos;
      } else if (peek() != ')') {
        return std::nullopt;
      }
    }
    ++m_pos;
    if (ints.size() == 1 && !trailing_comma) return std::nullopt;
    return ints;
  }

  std::optional<std::int64_t> parse_int() {
    const bool negative = peek() == '-';
    if (negative) ++m_pos;
    if (peek() < '0' || peek() > '9') return std::nullopt;
    std::int64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      const int digit = peek() - '0';
      if (v > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
      v = v * 10 + digit;
      ++m_pos;
    }
    if (peek() == 'L') ++m_pos;
    return negative ? -v : v;
  }

  // Skips a value this parser does not model, up to the ',' or '}' that ends it.
  void skip_other() {
    int depth = 0;
    while (m_pos < m_text.size()) {
      const char c = peek();
      if (c == '\'' || c == '"') {
        parse_string();
        continue;
      }
      if (depth == 0 && (c == ',' || c == '}')) return;
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') --depth;
      ++m_pos;
    }
  }

  std::string_view m_text;  // the header text
  std::size_t m_pos = 0;    // next character to read
};

// What the header dict says about the array.
struct NpyHeader {
  std::string descr;                // the dtype string as written
  bool fortran_order = false;       // column-major data
  std::vector<std::int64_t> shape;  // dimensions
};

std::string abbreviated(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
  constexpr std::size_t kMax = 160;
  return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "...";
}

NpyHeader parse_header(const fs::path& path, std::string_view text) {
  const std::string rule = "it must hold exactly 'descr', 'fortran_order' and 'shape'";
  auto malformed = [&](const std::string& why) {
    fail(path, fmt::format("malformed header dict ({}): {}", why, abbreviated(text)));
  };
  std::vector<HeaderEntry> entries;
  try {
    entries = HeaderParser(text).parse_dict();
  } catch (const HeaderSyntaxError& e) {
    malformed(e.what());
  }
  const HeaderValue* descr = nullptr;
  const HeaderValue* fortran = nullptr;
  const HeaderValue* shape = nullptr;
  for (const HeaderEntry& e : entries) {
    const HeaderValue** slot = e.key == "descr"           ? &descr
                               : e.key == "fortran_order" ? &fortran
                               : e.key == "shape"         ? &shape
                                                          : nullptr;
    if (!slot) malformed(fmt::format("unexpected key '{}'; {}", e.key, rule));
    if (*slot) malformed(fmt::format("duplicate key '{}'", e.key));
    *slot = &e.value;
  }
  for (auto [value, key] : {std::pair{descr, "descr"}, std::pair{fortran, "fortran_order"},
                            std::pair{shape, "shape"}}) {
    if (!value) malformed(fmt::format("missing key '{}'; {}", key, rule));
  }
  if (fortran->kind != HeaderValue::Kind::Bool) malformed("'fortran_order' must be True or False");
  if (shape->kind != HeaderValue::Kind::IntTuple) {
    malformed("'shape' must be a tuple of integers");
  }
  for (std::int64_t d : shape->ints) {
    if (d < 0) malformed("'shape' has a negative dimension");
  }
  NpyHeader h;
  h.descr = descr->text;
  if (descr->kind != HeaderValue::Kind::String) {
    fail(path, fmt::format("unsupported dtype {} (structured dtypes are not supported); "
                           "supported: {}",
                           h.descr, supported_list()));
  }
  h.fortran_order = fortran->flag;
  h.shape = shape->ints;
  return h;
}

// The dtype of a header, normalized to kDtypes' spelling. Throws for anything unsupported.
const DtypeInfo& header_dtype(const fs::path& path, const std::string& descr) {
  // Byte order is meaningless for one byte; numpy writes '|i1' but '<i1' and '>i1' parse too.
  const std::string normalized =
      (descr == "<i1" || descr == ">i1" || descr == "=i1") ? std::string("|i1") : descr;
  if (const DtypeInfo* d = find_dtype(normalized)) return *d;
  std::string little_endian = descr;
  if (!little_endian.empty()) little_endian[0] = '<';
  if (!descr.empty() && descr[0] == '>' && find_dtype(little_endian)) {
    fail(path, fmt::format("big-endian dtype '{}' is not supported; save little-endian data "
                           "(e.g. a.astype('<{}'))",
                           descr, descr.substr(1)));
  }
  fail(path, fmt::format("unsupported dtype '{}'; supported: {}", descr, supported_list()));
}

std::string read_whole_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) fail(path, "no such file");
  if (fs::is_directory(status)) fail(path, "is a directory, not a .npy file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot open file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) fail(path, "read error");
  return bytes;
}

std::string shape_repr(const std::vector<std::int64_t>& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

// Magic, version, header length and the padded header dict, exactly as numpy writes them.
std::string npy_preamble_and_header(const NpyArray& array) {
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
                                 array.dtype, shape_repr(array.shape));
  if (!array.shape.empty()) {
    dict.append(kGrowthAxisMaxDigits - std::to_string(array.shape[0]).size(), ' ');
  }
  // Version 1.0 stores the header length in 2 bytes; a longer header needs 2.0 (4 bytes).
  auto padded_len = [&](std::size_t len_bytes) {
    const std::size_t unpadded = kPreambleBytes + len_bytes + dict.size() + 1;  // + final '\n'
    return dict.size() + 1 + (kAlign - unpadded % kAlign);  // numpy pads 64 when aligned
  };
  const std::size_t len_bytes = padded_len(2) <= 0xffff ? 2 : 4;
  const std::size_t header_len = padded_len(len_bytes);
  std::string out(kMagic);
  out += static_cast<char>(len_bytes == 2 ? 1 : 2);
  out += '\0';
  for (std::size_t i = 0; i < len_bytes; ++i) {
    out += static_cast<char>((header_len >> (8 * i)) & 0xff);
  }
  out += dict;
  out.append(header_len - dict.size() - 1, ' ');
  out += '\n';
  return out;
}

template <class T>
NpyArray make_npy_from(std::vector<std::int64_t> shape, const std::vector<T>& values,
                       std::string dtype) {
  NpyArray a{std::move(dtype), std::move(shape), {}};
  TPESIM_CHECK(npy_element_count(a) == static_cast<std::int64_t>(values.size()),
               "make_npy: shape has {} elements, {} values given", npy_element_count(a),
               values.size());
  a.data.reserve(values.size() * sizeof(T));
  for (const T& v : values) {
    if constexpr (std::is_same_v<T, float>) {
      store_le(a.data, std::bit_cast<std::uint32_t>(v), 4);
    } else {
      store_le(a.data, static_cast<std::uint64_t>(v), static_cast<int>(sizeof(T)));
    }
  }
  return a;
}

void check_consistent(const NpyArray& array) {
  const DtypeInfo& d = checked_dtype(array.dtype);
  TPESIM_CHECK(static_cast<std::int64_t>(array.data.size()) == npy_element_count(array) * d.bytes,
               "NpyArray holds {} bytes, its shape needs {}", array.data.size(),
               npy_element_count(array) * d.bytes);
}

}  // namespace

const std::vector<std::string>& npy_supported_dtypes() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const DtypeInfo& d : kDtypes) n.emplace_back(d.descr);
    return n;
  }();
  return names;
}

int npy_item_bytes(const std::string& dtype) {
  const DtypeInfo* d = find_dtype(dtype);
  return d ? d->bytes : 0;
}

bool npy_is_float(const std::string& dtype) {
  const DtypeInfo* d = find_dtype(dtype);
  return d && d->is_float;
}

std::int64_t npy_element_count(const NpyArray& array) {
  std::int64_t n = 1;
  for (std::int64_t d : array.shape) n *= d;
  return n;
}

NpyArray read_npy(const fs::path& path) {
  const std::string bytes = read_whole_file(path);
  if (bytes.size() < kMagic.size() || std::string_view(bytes).substr(0, kMagic.size()) != kMagic) {
    fail(path, "not a .npy file (bad magic: it must start with \\x93NUMPY)");
  }
  if (bytes.size() < kPreambleBytes) fail(path, "truncated: the file ends inside the preamble");
  const int major = static_cast<unsigned char>(bytes[6]);
  const int minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0) {
    fail(path, fmt::format("unsupported .npy format version {}.{} (supported: 1.0, 2.0, 3.0)",
                           major, minor));
  }
  const int len_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = kPreambleBytes + static_cast<std::size_t>(len_bytes);
  if (bytes.size() < header_start) fail(path, "truncated: the file ends inside the preamble");
  const auto* raw = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const std::uint64_t header_len = load_le(raw + kPreambleBytes, len_bytes);
  if (bytes.size() - header_start < header_len) {
    fail(path, fmt::format("truncated: the header should be {} bytes, the file has {} after the "
                           "preamble",
                           header_len, bytes.size() - header_start));
  }
  const NpyHeader h = parse_header(path, std::string_view(bytes).substr(header_start, header_len));
  if (h.fortran_order) {
    fail(path,
         "fortran_order True (column-major data) is not supported; save a C-ordered array "
         "(numpy.ascontiguousarray)");
  }
  const DtypeInfo& dtype = header_dtype(path, h.descr);
  std::int64_t expected = dtype.bytes;
  for (std::int64_t d : h.shape) {
    if (d != 0 && expected > std::numeric_limits<std::int64_t>::max() / d) {
      fail(path, fmt::format("shape {} is too large", shape_repr(h.shape)));
    }
    expected *= d;
  }
  const std::size_t data_start = header_start + header_len;
  const std::size_t found = bytes.size() - data_start;
  if (static_cast<std::uint64_t>(expected) > found) {
    fail(path, fmt::format("truncated: expected {} bytes of data, found {}", expected, found));
  }
  if (static_cast<std::uint64_t>(expected) < found) {
    fail(path, fmt::format("{} trailing bytes after the data (expected {} bytes of data, found {})",
                           found - static_cast<std::uint64_t>(expected), expected, found));
  }
  NpyArray a;
  a.dtype = std::string(dtype.descr);
  a.shape = h.shape;
  a.data.assign(raw + data_start, raw + bytes.size());
  return a;
}

std::vector<double> as_doubles(const NpyArray& array) {
  check_consistent(array);
  const DtypeInfo& d = checked_dtype(array.dtype);
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(npy_element_count(array)));
  for (std::size_t i = 0; i < array.data.size(); i += static_cast<std::size_t>(d.bytes)) {
    const std::uint64_t bits = load_le(&array.data[i], d.bytes);
    if (d.is_float) {
      out.push_back(d.bytes == 4 ? std::bit_cast<float>(static_cast<std::uint32_t>(bits))
                                 : std::bit_cast<double>(bits));
    } else {
      out.push_back(static_cast<double>(sign_extend_bytes(bits, d.bytes)));
    }
  }
  return out;
}

std::vector<std::int64_t> as_integers(const NpyArray& array) {
  check_consistent(array);
  const DtypeInfo& d = checked_dtype(array.dtype);
  if (d.is_float) {
    throw UserError(fmt::format("error: expected an integer array, found dtype '{}' ({})",
                                array.dtype, d.name));
  }
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(npy_element_count(array)));
  for (std::size_t i = 0; i < array.data.size(); i += static_cast<std::size_t>(d.bytes)) {
    out.push_back(sign_extend_bytes(load_le(&array.data[i], d.bytes), d.bytes));
  }
  return out;
}

NpyArray make_npy(std::vector<std::int64_t> shape, const std::vector<float>& values) {
  return make_npy_from(std::move(shape), values, "<f4");
}

NpyArray make_npy(std::vector<std::int64_t> shape, const std::vector<std::int32_t>& values) {
  return make_npy_from(std::move(shape), values, "<i4");
}

NpyArray make_npy(std::vector<std::int64_t> shape, const std::vector<std::int64_t>& values) {
  return make_npy_from(std::move(shape), values, "<i8");
}

void write_npy(const fs::path& path, const NpyArray& array) {
  check_consistent(array);
  const std::string header = npy_preamble_and_header(array);
  std::ofstream out(path, std::ios::binary);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(array.data.data()),
            static_cast<std::streamsize>(array.data.size()));
  out.close();
  if (!out) fail(path, "cannot write file");
}

}  // namespace tpesim
