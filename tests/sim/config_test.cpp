// SPDX-License-Identifier: Apache-2.0
// Tests for strict config binding: Field tables, ConfigDoc/ConfigNode positions, `--set` overrides.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "sim/core/bind.h"
#include "sim/core/config_node.h"
#include "sim/core/diag.h"
#include "sim/core/errors.h"

namespace tpesim {
namespace {

enum class Mode { Fast, Slow, Exact };

constexpr auto enum_names(Mode) {
  return std::array{std::pair{Mode::Fast, "fast"}, std::pair{Mode::Slow, "slow"},
                    std::pair{Mode::Exact, "exact"}};
}

struct InnerSpec {
  int depth = 2;                // nesting depth
  std::string label = "inner";  // free-form label

  bool operator==(const InnerSpec&) const = default;

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<InnerSpec, int>{"depth", &InnerSpec::depth, "nesting depth", "", in_range(1, 8)},
        Field<InnerSpec, std::string>{"label", &InnerSpec::label, "a label"},
    };
    return kFields;
  }
};

struct TestSpec {
  int rows = 16;                 // array rows
  std::int64_t bytes = 1 << 20;  // buffer size, bytes
  double freq_ghz = 1.0;         // clock, GHz
  bool enabled = false;          // feature switch
  std::string name = "default";  // run name
  Mode mode = Mode::Fast;        // an enum
  InnerSpec inner;               // a nested spec

  bool operator==(const TestSpec&) const = default;

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<TestSpec, int>{"rows", &TestSpec::rows, "array rows", "", in_range(1, 1024)},
        Field<TestSpec, std::int64_t>{"bytes", &TestSpec::bytes, "buffer size", "bytes",
                                      at_least<std::int64_t>(1)},
        Field<TestSpec, double>{"freq_ghz", &TestSpec::freq_ghz, "clock", "GHz",
                                in_range(0.1, 10.0)},
        Field<TestSpec, bool>{"enabled", &TestSpec::enabled, "feature switch"},
        Field<TestSpec, std::string>{"name", &TestSpec::name, "run name"},
        Field<TestSpec, Mode>{"mode", &TestSpec::mode, "mode"},
        Field<TestSpec, InnerSpec>{"inner", &TestSpec::inner, "nested"},
    };
    return kFields;
  }
};

// A spec with a required key.
struct RequiredSpec {
  std::string id;  // must be given
  int size = 4;    // optional

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<RequiredSpec, std::string>{"id", &RequiredSpec::id, "identifier", "", {}, true},
        Field<RequiredSpec, int>{"size", &RequiredSpec::size, "size"},
    };
    return kFields;
  }
};

// Binds `doc`'s root into a default Spec; errors stay in `diag`.
template <class Spec>
Spec bind_doc(const ConfigDoc& doc, Diag& diag) {
  Spec spec;
  bind_fields(doc.root(), Spec::fields(), spec, diag);
  return spec;
}

template <class Spec>
Spec bind_text(const std::string& text, Diag& diag) {
  return bind_doc<Spec>(ConfigDoc::from_string(text, "test.yaml"), diag);
}

// The diagnostics of the ConfigError thrown for `diag` (empty when nothing was reported).
std::vector<Diagnostic> thrown(const Diag& diag) {
  try {
    diag.throw_if_any();
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

// Binds `text` and returns the sorted diagnostics.
template <class Spec = TestSpec>
std::vector<Diagnostic> errors_of(const std::string& text) {
  Diag diag;
  bind_text<Spec>(text, diag);
  return thrown(diag);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Missing keys keep the member initializers; an empty document is all defaults.
TEST(ConfigTest, MissingKeysKeepDefaults) {
  Diag diag;
  const TestSpec all_default = bind_text<TestSpec>("", diag);
  EXPECT_TRUE(diag.empty());
  EXPECT_EQ(all_default, TestSpec{});

  const TestSpec some = bind_text<TestSpec>("rows: 32\ninner:\n  label: deep\n", diag);
  EXPECT_TRUE(diag.empty());
  TestSpec expected;
  expected.rows = 32;
  expected.inner.label = "deep";
  EXPECT_EQ(some, expected);
  EXPECT_EQ(some.inner.depth, 2);
}

// Every field type binds from its YAML spelling.
TEST(ConfigTest, AllFieldTypesBind) {
  Diag diag;
  const TestSpec s = bind_text<TestSpec>(
      "rows: +7\nbytes: 1099511627776\nfreq_ghz: 2.5e0\nenabled: true\nname: 'hi there'\n"
      "mode: exact\ninner: {depth: 8, label: x}\n",
      diag);
  ASSERT_TRUE(diag.empty()) << thrown(diag).size();
  EXPECT_EQ(s.rows, 7);
  EXPECT_EQ(s.bytes, std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(s.freq_ghz, 2.5);
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.name, "hi there");
  EXPECT_EQ(s.mode, Mode::Exact);
  EXPECT_EQ(s.inner.depth, 8);
  EXPECT_EQ(s.inner.label, "x");
}

// An unknown key is reported at the key's own line:col with a "did you mean" suggestion.
TEST(ConfigTest, UnknownKeyAtKeyPositionWithSuggestion) {
  const auto errs = errors_of("rows: 8\n  \nfreq_gz: 1.5\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.file(), "test.yaml");
  EXPECT_EQ(errs[0].loc.line, 3);
  EXPECT_EQ(errs[0].loc.col, 1);
  EXPECT_EQ(errs[0].path, "freq_gz");
  EXPECT_EQ(errs[0].message, "unknown key (did you mean 'freq_ghz'?)");
}

// An unknown key inside a nested mapping gets the dotted path and the nested key's position.
TEST(ConfigTest, UnknownNestedKeyHasDottedPathAndIndentedColumn) {
  const auto errs = errors_of("inner:\n  depht: 3\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, 3);
  EXPECT_EQ(errs[0].path, "inner.depht");
  EXPECT_EQ(errs[0].message, "unknown key (did you mean 'depth'?)");
}

// An unknown key that resembles nothing gets no suggestion.
TEST(ConfigTest, UnknownKeyWithoutSuggestion) {
  const auto errs = errors_of("completely_unrelated: 1\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "unknown key");
}

// A type error is reported at the VALUE's position, not the key's.
TEST(ConfigTest, WrongTypeReportedAtValuePosition) {
  struct Case {
    std::string text;     // the document
    std::string path;     // expected key path
    int col;              // expected column of the value
    std::string message;  // expected message
  };
  const std::vector<Case> cases = {
      {"rows: abc\n", "rows", 7, "expected an integer, got 'abc'"},
      {"rows: \"8\"\n", "rows", 7, "expected an integer"},
      {"rows: '8'\n", "rows", 7, "expected an integer"},
      {"rows: 3.5\n", "rows", 7, "expected an integer, got '3.5'"},
      {"rows: [1, 2]\n", "rows", 7, "expected an integer"},
      {"rows:    0x10\n", "rows", 10, "expected an integer, got '0x10'"},
      {"bytes: 12kb\n", "bytes", 8, "expected an integer, got '12kb'"},
      {"enabled: yes\n", "enabled", 10, "expected true or false"},
      {"enabled: 1\n", "enabled", 10, "expected true or false"},
      {"enabled: \"true\"\n", "enabled", 10, "expected true or false"},
      {"freq_ghz: fast\n", "freq_ghz", 11, "expected a finite number, got 'fast'"},
      {"freq_ghz: \"1.0\"\n", "freq_ghz", 11, "expected a number"},
      {"freq_ghz: .inf\n", "freq_ghz", 11, "expected a finite number, got '.inf'"},
      {"name: {a: 1}\n", "name", 7, "expected a string"},
      {"inner: 5\n", "inner", 8, "expected a mapping of keys to values"},
  };
  for (const Case& c : cases) {
    const auto errs = errors_of(c.text);
    ASSERT_EQ(errs.size(), 1u) << c.text;
    EXPECT_EQ(errs[0].loc.line, 1) << c.text;
    EXPECT_EQ(errs[0].loc.col, c.col) << c.text;
    EXPECT_EQ(errs[0].path, c.path) << c.text;
    EXPECT_EQ(errs[0].message, c.message) << c.text;
  }
}

// A value that does not fit the member's integer type is an error, not a silent truncation.
TEST(ConfigTest, IntegerOutOfTypeRange) {
  auto errs = errors_of("rows: 3000000000\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "integer 3000000000 is out of range");
  errs = errors_of("bytes: 99999999999999999999\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "integer '99999999999999999999' is out of range");
  EXPECT_EQ(errs[0].loc.col, 8);
}

// A leading '+' is allowed once; "+-5", "++5" and a lone "+" are not integers.
TEST(ConfigTest, PlusSignOnlyBeforeDigits) {
  Diag diag;
  EXPECT_EQ(bind_text<TestSpec>("rows: +12\n", diag).rows, 12);
  EXPECT_TRUE(diag.empty());
  for (const std::string bad : {"+-5", "++5", "+", "-+5"}) {
    const auto errs = errors_of("rows: " + bad + "\n");
    ASSERT_EQ(errs.size(), 1u) << bad;
    EXPECT_EQ(errs[0].message, "expected an integer, got '" + bad + "'") << bad;
  }
}

// A failed type check leaves the default in place.
TEST(ConfigTest, BadValueKeepsDefault) {
  Diag diag;
  const TestSpec s = bind_text<TestSpec>("rows: abc\nname: kept\n", diag);
  EXPECT_EQ(diag.size(), 1u);
  EXPECT_EQ(s.rows, 16);
  EXPECT_EQ(s.name, "kept");
}

// in_range / at_least checks run after parsing and report at the value; bounds are inclusive.
TEST(ConfigTest, RangeChecksAtValuePosition) {
  auto errs = errors_of("rows: 0\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.col, 7);
  EXPECT_EQ(errs[0].path, "rows");
  EXPECT_EQ(errs[0].message, "must be in [1, 1024], got 0");

  errs = errors_of("rows: 1025\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "must be in [1, 1024], got 1025");

  EXPECT_TRUE(errors_of("rows: 1\n").empty());
  EXPECT_TRUE(errors_of("rows: 1024\n").empty());

  errs = errors_of("bytes: 0\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "must be >= 1, got 0");

  errs = errors_of("freq_ghz: 0.05\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "must be in [0.1, 10], got 0.05");

  errs = errors_of("inner:\n  depth: 9\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, 10);
  EXPECT_EQ(errs[0].path, "inner.depth");
  EXPECT_EQ(errs[0].message, "must be in [1, 8], got 9");
}

// All errors of one document come in one ConfigError, sorted by position, not by field order.
TEST(ConfigTest, AllErrorsReportedAtOnceSortedByPosition) {
  // Binding reports unknown keys first and then fields in table order (rows before mode),
  // so the reporting order (line 2, line 3, line 1) differs from the file order.
  const std::string text = "mode: fsat\nrowz: 4\nrows: many\n";
  Diag diag;
  bind_text<TestSpec>(text, diag);
  ASSERT_EQ(diag.size(), 3u);
  EXPECT_EQ(diag.items()[0].loc.line, 2);
  const auto errs = thrown(diag);
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_EQ(errs[0].loc.line, 1);
  EXPECT_EQ(errs[0].path, "mode");
  EXPECT_EQ(errs[1].loc.line, 2);
  EXPECT_EQ(errs[1].path, "rowz");
  EXPECT_EQ(errs[2].loc.line, 3);
  EXPECT_EQ(errs[2].path, "rows");
}

// Errors on one line are ordered by column; nested and top-level errors mix in file order.
TEST(ConfigTest, ErrorsOnOneLineSortedByColumn) {
  const auto errs = errors_of("inner: {depth: 0, lable: 1, zzz: 2}\nenabled: 2\n");
  ASSERT_EQ(errs.size(), 4u);
  EXPECT_EQ(errs[0].path, "inner.depth");
  EXPECT_EQ(errs[0].loc.col, 16);
  EXPECT_EQ(errs[1].path, "inner.lable");
  EXPECT_EQ(errs[1].loc.col, 19);
  EXPECT_EQ(errs[1].message, "unknown key (did you mean 'label'?)");
  EXPECT_EQ(errs[2].path, "inner.zzz");
  EXPECT_EQ(errs[2].loc.col, 29);
  EXPECT_EQ(errs[3].path, "enabled");
  EXPECT_EQ(errs[3].loc.line, 2);
}

// A missing required key is reported at the parent mapping's position.
TEST(ConfigTest, RequiredKeyMissingPointsAtParent) {
  auto errs = errors_of<RequiredSpec>("\n\nsize: 3\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "id");
  EXPECT_EQ(errs[0].message, "required key is missing");
  EXPECT_EQ(errs[0].loc.line, 3);  // the root mapping starts at its first key
  EXPECT_EQ(errs[0].loc.col, 1);

  // Nested: the parent is the value of `item`, which starts on line 2 column 3.
  struct Outer {
    int x = 0;          // filler
    RequiredSpec item;  // nested spec with a required key
    static const auto& fields() {
      static const auto kFields = std::tuple{
          Field<Outer, int>{"x", &Outer::x, "filler"},
          Field<Outer, RequiredSpec>{"item", &Outer::item, "nested"},
      };
      return kFields;
    }
  };
  errs = errors_of<Outer>("x: 1\nitem:\n  size: 5\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "item.id");
  EXPECT_EQ(errs[0].loc.line, 3);
  EXPECT_EQ(errs[0].loc.col, 3);

  // Given, it binds; a required key's absence is not an error when the whole spec is absent.
  EXPECT_TRUE(errors_of<RequiredSpec>("id: abc\n").empty());
  EXPECT_TRUE(errors_of<Outer>("x: 1\n").empty());
}

// An explicit null (`key:` with no value) counts as missing.
TEST(ConfigTest, NullValueCountsAsMissing) {
  Diag diag;
  const TestSpec s = bind_text<TestSpec>("rows:\nname: ~\n", diag);
  EXPECT_TRUE(diag.empty());
  EXPECT_EQ(s.rows, 16);
  EXPECT_EQ(s.name, "default");
  const auto errs = errors_of<RequiredSpec>("id:\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "required key is missing");
}

// A document whose root is not a mapping is rejected at 1:1.
TEST(ConfigTest, RootMustBeMapping) {
  const auto errs = errors_of("- a\n- b\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 1);
  EXPECT_EQ(errs[0].loc.col, 1);
  EXPECT_EQ(errs[0].message, "expected a mapping of keys to values");
}

// Invalid YAML syntax becomes a ConfigError located in the file.
TEST(ConfigTest, InvalidYamlIsLocatedConfigError) {
  try {
    ConfigDoc::from_string("rows: 8\nmode: [fast, slow\nname: x\n", "bad.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const Diagnostic& d = e.diagnostics()[0];
    EXPECT_EQ(d.loc.file(), "bad.yaml");
    EXPECT_EQ(d.loc.line, 3);
    EXPECT_EQ(d.loc.col, 5);  // where yaml-cpp noticed the unterminated flow sequence
    EXPECT_EQ(d.message, "invalid YAML: end of sequence flow not found");
    EXPECT_TRUE(contains(e.what(), "bad.yaml:3:5: error: invalid YAML")) << e.what();
  }
  try {
    ConfigDoc::from_string("a: 1\n  b: 2\n", "indent.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].loc.line, 2);
    EXPECT_EQ(e.diagnostics()[0].loc.col, 4);
  }
}

// A missing config file is a UserError (no location to point at), not a ConfigError.
TEST(ConfigTest, MissingFileIsUserError) {
  const std::string path = testing::TempDir() + "/no_such_config_file.yaml";
  EXPECT_THROW(ConfigDoc::from_file(path), UserError);
  try {
    ConfigDoc::from_file(path);
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": error: cannot open file");
  }
}

// `--set a.b=5` replaces a nested value; the value is parsed as YAML.
TEST(ConfigTest, OverrideChangesValues) {
  ConfigDoc doc = ConfigDoc::from_string("rows: 8\ninner:\n  depth: 3\n", "test.yaml");
  Diag diag;
  doc.apply_override("inner.depth=5", diag);
  doc.apply_override("rows=64", diag);
  doc.apply_override("mode=slow", diag);
  doc.apply_override("inner.label=from cli", diag);
  doc.apply_override("enabled=true", diag);
  ASSERT_TRUE(diag.empty());
  const TestSpec s = bind_doc<TestSpec>(doc, diag);
  ASSERT_TRUE(diag.empty());
  EXPECT_EQ(s.inner.depth, 5);
  EXPECT_EQ(s.rows, 64);
  EXPECT_EQ(s.mode, Mode::Slow);
  EXPECT_EQ(s.inner.label, "from cli");
  EXPECT_TRUE(s.enabled);
}

// An override may create a nested mapping that the file does not have.
TEST(ConfigTest, OverrideCreatesMissingMapping) {
  ConfigDoc doc = ConfigDoc::from_string("", "empty.yaml");
  Diag diag;
  doc.apply_override("inner.depth=7", diag);
  ASSERT_TRUE(diag.empty());
  const TestSpec s = bind_doc<TestSpec>(doc, diag);
  ASSERT_TRUE(diag.empty());
  EXPECT_EQ(s.inner.depth, 7);
  EXPECT_EQ(s.inner.label, "inner");
}

// A bad override value is reported at "<command line>", column of the value after "--set ".
TEST(ConfigTest, OverrideTypeErrorLocatedOnCommandLine) {
  ConfigDoc doc = ConfigDoc::from_string("rows: 8\n", "test.yaml");
  Diag diag;
  doc.apply_override("rows=abc", diag);
  ASSERT_TRUE(diag.empty());
  bind_doc<TestSpec>(doc, diag);
  const auto errs = thrown(diag);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.file(), "<command line>");
  EXPECT_EQ(errs[0].loc.line, 1);
  EXPECT_EQ(errs[0].loc.col, 12);  // "--set rows=abc": 'a' is column 12
  EXPECT_EQ(errs[0].path, "rows");
  EXPECT_EQ(errs[0].message, "expected an integer, got 'abc'");
  const std::string shown = render(errs[0]);
  EXPECT_EQ(shown,
            "<command line>:1:12: error: rows: expected an integer, got 'abc'\n"
            "  --set rows=abc\n"
            "             ^");
}

// An override naming an unknown key is reported at "<command line>" with a suggestion.
TEST(ConfigTest, OverrideUnknownKeyLocatedOnCommandLine) {
  ConfigDoc doc = ConfigDoc::from_string("inner:\n  depth: 3\n", "test.yaml");
  Diag diag;
  doc.apply_override("inner.depht=4", diag);
  ASSERT_TRUE(diag.empty());
  bind_doc<TestSpec>(doc, diag);
  const auto errs = thrown(diag);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.file(), "<command line>");
  EXPECT_EQ(errs[0].path, "inner.depht");
  EXPECT_EQ(errs[0].message, "unknown key (did you mean 'depth'?)");
}

// A range error from an override is on the command line; file errors keep their file.
TEST(ConfigTest, OverrideAndFileErrorsBothReported) {
  ConfigDoc doc = ConfigDoc::from_string("rows: 8\nbytes: -1\n", "test.yaml");
  Diag diag;
  doc.apply_override("rows=5000", diag);
  bind_doc<TestSpec>(doc, diag);
  const auto errs = thrown(diag);
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].loc.file(), "<command line>");
  EXPECT_EQ(errs[0].message, "must be in [1, 1024], got 5000");
  EXPECT_EQ(errs[1].loc.file(), "test.yaml");
  EXPECT_EQ(errs[1].loc.line, 2);
  EXPECT_EQ(errs[1].path, "bytes");
}

// Malformed assignments (no '=', empty key, empty path part, bad YAML) are reported directly.
TEST(ConfigTest, MalformedOverridesAreErrors) {
  ConfigDoc doc = ConfigDoc::from_string("rows: 8\n", "test.yaml");
  Diag diag;
  doc.apply_override("rows", diag);
  ASSERT_EQ(diag.size(), 1u);
  EXPECT_EQ(diag.items()[0].loc.file(), "<command line>");
  EXPECT_EQ(diag.items()[0].loc.col, 7);
  EXPECT_EQ(diag.items()[0].message, "expected key.path=value (for example array.rows=64)");

  doc.apply_override("=5", diag);
  ASSERT_EQ(diag.size(), 2u);
  EXPECT_TRUE(contains(diag.items()[1].message, "expected key.path=value"));

  doc.apply_override("inner..depth=5", diag);
  ASSERT_EQ(diag.size(), 3u);
  EXPECT_EQ(diag.items()[2].message, "empty key in key path");

  doc.apply_override("rows.sub=5", diag);
  ASSERT_EQ(diag.size(), 4u);
  EXPECT_EQ(diag.items()[3].path, "rows.sub");
  EXPECT_EQ(diag.items()[3].message, "cannot set a key inside a non-mapping");

  doc.apply_override("rows=[1, 2", diag);
  ASSERT_EQ(diag.size(), 5u);
  EXPECT_EQ(diag.items()[4].loc.col, 12);
  EXPECT_TRUE(contains(diag.items()[4].message, "invalid YAML value")) << diag.items()[4].message;

  // None of these changed the document.
  Diag bind_diag;
  EXPECT_EQ(bind_doc<TestSpec>(doc, bind_diag).rows, 8);
  EXPECT_TRUE(bind_diag.empty());
}

// An unknown enum value lists every choice and suggests the closest one.
TEST(ConfigTest, EnumErrorListsChoicesAndSuggests) {
  auto errs = errors_of("mode: slwo\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.col, 7);
  EXPECT_EQ(errs[0].message, "'slwo' is not one of fast | slow | exact (did you mean 'slow'?)");

  errs = errors_of("mode: turbo\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "'turbo' is not one of fast | slow | exact");

  errs = errors_of("mode: [fast]\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "expected one of fast | slow | exact");

  EXPECT_EQ(enum_name(Mode::Exact), "exact");
  EXPECT_EQ(enum_choices<Mode>(), "fast | slow | exact");
}

// emit_fields writes every field, and binding the emitted YAML gives back the same spec.
TEST(ConfigTest, EmitThenBindRoundTrips) {
  TestSpec spec;
  spec.rows = 1000;
  spec.bytes = (std::int64_t{1} << 40) + 3;
  spec.freq_ghz = 0.1 + 0.2;  // not exactly representable: needs full precision
  spec.enabled = true;
  spec.name = "a: b # not a comment";
  spec.mode = Mode::Exact;
  spec.inner.depth = 7;
  spec.inner.label = "null";
  YAML::Emitter out;
  out << emit_fields(TestSpec::fields(), spec);
  ASSERT_TRUE(out.good());
  Diag diag;
  const TestSpec back = bind_text<TestSpec>(out.c_str(), diag);
  ASSERT_TRUE(diag.empty()) << out.c_str();
  EXPECT_EQ(back, spec) << out.c_str();

  // The defaults round-trip too, and every key is written.
  const YAML::Node defaults = emit_fields(TestSpec::fields(), TestSpec{});
  EXPECT_EQ(defaults.size(), 7u);
  EXPECT_EQ(defaults["mode"].as<std::string>(), "fast");
  EXPECT_EQ(defaults["inner"]["depth"].as<int>(), 2);
  YAML::Emitter def_out;
  def_out << defaults;
  EXPECT_EQ(bind_text<TestSpec>(def_out.c_str(), diag), TestSpec{});
  EXPECT_TRUE(diag.empty());
}

// describe_fields flattens nested specs into dotted keys with type, default, unit and doc.
TEST(ConfigTest, DescribeListsNestedKeysDotted) {
  const std::vector<FieldInfo> rows = describe_fields(TestSpec::fields(), TestSpec{});
  std::vector<std::string> keys;
  for (const auto& r : rows) keys.push_back(r.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"rows", "bytes", "freq_ghz", "enabled", "name", "mode",
                                            "inner.depth", "inner.label"}));
  EXPECT_EQ(rows[0].type, "integer");
  EXPECT_EQ(rows[0].value, "16");
  EXPECT_EQ(rows[1].unit, "bytes");
  EXPECT_EQ(rows[1].value, "1048576");
  EXPECT_EQ(rows[2].type, "number");
  EXPECT_EQ(rows[2].unit, "GHz");
  EXPECT_EQ(rows[3].type, "boolean");
  EXPECT_EQ(rows[3].value, "false");
  EXPECT_EQ(rows[4].type, "string");
  EXPECT_EQ(rows[5].type, "fast | slow | exact");
  EXPECT_EQ(rows[5].value, "fast");
  EXPECT_EQ(rows[6].doc, "nesting depth");
  EXPECT_EQ(rows[7].value, "inner");

  // Resolved values are shown when describing a bound spec; required keys say so.
  TestSpec bound;
  bound.inner.depth = 5;
  EXPECT_EQ(describe_fields(TestSpec::fields(), bound)[6].value, "5");
  const auto req = describe_fields(RequiredSpec::fields(), RequiredSpec{});
  ASSERT_EQ(req.size(), 2u);
  EXPECT_EQ(req[0].value, "(required)");
  EXPECT_EQ(req[1].value, "4");
}

// ConfigNode paths and positions: key_loc points at the key, loc at the value.
TEST(ConfigTest, NodeKeyAndValuePositions) {
  const ConfigDoc doc = ConfigDoc::from_string("a:\n  bb:   42\n  list: [x, y]\n", "n.yaml");
  const ConfigNode a = doc.root().child("a");
  EXPECT_EQ(a.path(), "a");
  const ConfigNode bb = a.child("bb");
  EXPECT_EQ(bb.path(), "a.bb");
  EXPECT_EQ(bb.loc().line, 2);
  EXPECT_EQ(bb.loc().col, 9);
  EXPECT_EQ(a.key_loc("bb").line, 2);
  EXPECT_EQ(a.key_loc("bb").col, 3);
  EXPECT_EQ(a.keys(), (std::vector<std::string>{"bb", "list"}));
  const auto items = a.child("list").elements();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].path(), "a.list[1]");
  EXPECT_EQ(items[1].scalar(), "y");
  EXPECT_EQ(items[1].loc().col, 13);
  // A missing child is not present and points at its parent's value.
  const ConfigNode missing = a.child("nope");
  EXPECT_FALSE(missing.present());
  EXPECT_EQ(missing.path(), "a.nope");
  EXPECT_EQ(missing.loc().line, a.loc().line);
  EXPECT_EQ(missing.loc().col, a.loc().col);
}

}  // namespace
}  // namespace tpesim

namespace tpesim {
namespace {

// A key written twice is an error at its second occurrence, never a silent first-wins.
TEST(ConfigDuplicateKeyTest, SecondOccurrenceIsLocated) {
  struct Spec {
    int rows = 1;
    static const auto& fields() {
      static const auto kFields = std::tuple{Field<Spec, int>{"rows", &Spec::rows, "rows"}};
      return kFields;
    }
  };
  const ConfigDoc doc = ConfigDoc::from_string("rows: 4\nrows: 8\n", "dup.yaml");
  Spec spec;
  Diag diag;
  bind_fields(doc.root(), Spec::fields(), spec, diag);
  ASSERT_EQ(diag.size(), 1u);
  EXPECT_EQ(diag.items()[0].loc.line, 2);
  EXPECT_EQ(diag.items()[0].loc.col, 1);
  EXPECT_EQ(diag.items()[0].message, "duplicate key (it is already set above)");
}

// A value tagged !!str is a string, so it cannot bind to an integer field.
TEST(ConfigDuplicateKeyTest, StrTaggedValueIsNotAnInteger) {
  const ConfigDoc doc = ConfigDoc::from_string("rows: !!str 8\n", "tag.yaml");
  int value = 0;
  Diag diag;
  EXPECT_FALSE(ValueTraits<int>::parse(doc.root().child("rows"), value, diag));
  EXPECT_EQ(diag.size(), 1u);
}

// Suggestions must share more than they change: no "did you mean 'n'?" for "cnt".
TEST(ConfigDuplicateKeyTest, NoSuggestionShorterThanTheEdit) {
  EXPECT_EQ(closest_match("cnt", {"m", "n", "k", "count"}), "count");
  EXPECT_EQ(closest_match("zz", {"m", "n", "k"}), "");
}

}  // namespace
}  // namespace tpesim
