// SPDX-License-Identifier: Apache-2.0
#include "arch/tech_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "pe/float_format_field.h"
#include "sim/core/bind.h"

namespace tpesim {

// A list of numbers (`[1.103, -0.362, 0.2767]`) as a polynomial's coefficients.
template <>
struct ValueTraits<arch::VddPolynomial> {
  static std::string type_name() { return "list of numbers"; }
  static bool parse(const ConfigNode& n, arch::VddPolynomial& out, Diag& d) {
    if (!n.is_sequence() || n.elements().empty()) {
      d.error(n.loc(), n.path(), "expected a non-empty list of numbers");
      return false;
    }
    arch::VddPolynomial p;
    bool ok = true;
    for (const ConfigNode& item : n.elements()) {
      double c = 0;
      ok = ValueTraits<double>::parse(item, c, d) && ok;
      p.coeffs.push_back(c);
    }
    if (ok) out = p;
    return ok;
  }
  static YAML::Node emit(const arch::VddPolynomial& p) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (double c : p.coeffs) out.push_back(c);
    return out;
  }
};

}  // namespace tpesim

namespace tpesim::arch {

double VddPolynomial::at(double vdd_v) const {
  double sum = 0;
  for (double c : coeffs) sum = sum * vdd_v + c;
  return sum;
}

const NodeEntry* NodeScaling::find(int node_nm) const {
  const auto it = std::find_if(nodes.begin(), nodes.end(),
                               [&](const NodeEntry& n) { return n.node_nm == node_nm; });
  return it == nodes.end() ? nullptr : &*it;
}

namespace {

// Published quantities are positive: an energy or area of zero or less is a typo.
Check<double> positive() {
  return [](const double& v) -> std::optional<std::string> {
    if (v <= 0) return fmt::format("must be > 0, got {}", v);
    return std::nullopt;
  };
}

Check<std::string> non_empty() {
  return [](const std::string& s) -> std::optional<std::string> {
    if (s.find_first_not_of(" \t") == std::string::npos) return "must name the publication";
    return std::nullopt;
  };
}

template <class S>
Field<S, std::string> source_field(std::string S::*member) {
  return Field<S, std::string>{"source", member,      "publication the numbers come from",
                               "",       non_empty(), true};
}

const auto& process_fields() {
  static const auto kFields = std::tuple{
      Field<ProcessEntry, int>{"node_nm", &ProcessEntry::node_nm, "technology node", "nm",
                               in_range(1, 1000), true},
      Field<ProcessEntry, double>{"vdd_v", &ProcessEntry::vdd_v, "supply voltage", "V", positive(),
                                  true},
      source_field(&ProcessEntry::source),
  };
  return kFields;
}

const auto& int_add_fields() {
  static const auto kFields = std::tuple{
      Field<IntAddEntry, int>{"bits", &IntAddEntry::bits, "adder width", "bits", in_range(1, 256),
                              true},
      Field<IntAddEntry, double>{"energy_pj", &IntAddEntry::energy_pj, "one addition", "pJ",
                                 positive(), true},
      Field<IntAddEntry, double>{"area_um2", &IntAddEntry::area_um2, "one adder", "um^2",
                                 positive(), true},
      source_field(&IntAddEntry::source),
  };
  return kFields;
}

const auto& int_mul_fields() {
  static const auto kFields = std::tuple{
      Field<IntMulEntry, int>{"a_bits", &IntMulEntry::a_bits, "first operand width", "bits",
                              in_range(1, 256), true},
      Field<IntMulEntry, int>{"w_bits", &IntMulEntry::w_bits, "second operand width", "bits",
                              in_range(1, 256), true},
      Field<IntMulEntry, double>{"energy_pj", &IntMulEntry::energy_pj, "one multiplication", "pJ",
                                 positive(), true},
      Field<IntMulEntry, double>{"area_um2", &IntMulEntry::area_um2, "one multiplier", "um^2",
                                 positive(), true},
      source_field(&IntMulEntry::source),
  };
  return kFields;
}

const auto& float_op_fields() {
  static const auto kFields = std::tuple{
      Field<FloatOpEntry, pe::FloatFormat>{"format", &FloatOpEntry::format, "number format", "",
                                           nullptr, true},
      Field<FloatOpEntry, double>{"energy_pj", &FloatOpEntry::energy_pj, "one operation", "pJ",
                                  positive(), true},
      Field<FloatOpEntry, double>{"area_um2", &FloatOpEntry::area_um2, "one unit", "um^2",
                                  positive(), true},
      source_field(&FloatOpEntry::source),
  };
  return kFields;
}

const auto& cell_fields() {
  static const auto kFields = std::tuple{
      Field<CellEntry, int>{"node_nm", &CellEntry::node_nm, "characterization node", "nm",
                            in_range(1, 1000), true},
      Field<CellEntry, int>{"bits", &CellEntry::bits, "unit width", "bits", in_range(1, 256), true},
      Field<CellEntry, double>{"energy_pj", &CellEntry::energy_pj, "per operation or cycle", "pJ",
                               positive(), true},
      Field<CellEntry, double>{"area_um2", &CellEntry::area_um2, "unit area", "um^2", positive(),
                               true},
      Field<CellEntry, double>{"leakage_mw", &CellEntry::leakage_mw, "static power", "mW",
                               positive(), true},
      source_field(&CellEntry::source),
  };
  return kFields;
}

const auto& sram_cell_fields() {
  static const auto kFields = std::tuple{
      Field<SramCellEntry, int>{"node_nm", &SramCellEntry::node_nm, "technology node", "nm",
                                in_range(1, 1000), true},
      Field<SramCellEntry, double>{"area_um2", &SramCellEntry::area_um2, "one bit cell", "um^2",
                                   positive(), true},
      source_field(&SramCellEntry::source),
  };
  return kFields;
}

const auto& sram_access_fields() {
  static const auto kFields = std::tuple{
      Field<SramAccessEntry, std::int64_t>{"capacity_bytes", &SramAccessEntry::capacity_bytes,
                                           "array size", "bytes",
                                           in_range<std::int64_t>(1, std::int64_t{1} << 40), true},
      Field<SramAccessEntry, int>{"access_bits", &SramAccessEntry::access_bits, "bits per access",
                                  "bits", in_range(1, 4096), true},
      Field<SramAccessEntry, double>{"energy_pj", &SramAccessEntry::energy_pj, "one access", "pJ",
                                     positive(), true},
      source_field(&SramAccessEntry::source),
  };
  return kFields;
}

const auto& dram_fields() {
  static const auto kFields = std::tuple{
      Field<DramEntry, int>{"access_bits", &DramEntry::access_bits, "bits per access", "bits",
                            in_range(1, 4096), true},
      Field<DramEntry, double>{"energy_pj_min", &DramEntry::energy_pj_min,
                               "one access, low end of the range", "pJ", positive(), true},
      Field<DramEntry, double>{"energy_pj_max", &DramEntry::energy_pj_max,
                               "one access, high end of the range", "pJ", positive(), true},
      source_field(&DramEntry::source),
  };
  return kFields;
}

const auto& node_fields() {
  static const auto kFields = std::tuple{
      Field<NodeEntry, int>{"node_nm", &NodeEntry::node_nm, "technology node", "nm",
                            in_range(1, 1000), true},
      Field<NodeEntry, double>{"area_vs_reference", &NodeEntry::area_vs_reference,
                               "area relative to the reference node", "", positive(), true},
      Field<NodeEntry, VddPolynomial>{"delay", &NodeEntry::delay,
                                      "relative delay, polynomial in VDD", "", nullptr, true},
      Field<NodeEntry, VddPolynomial>{"energy", &NodeEntry::energy,
                                      "relative energy, polynomial in VDD", "", nullptr, true},
      source_field(&NodeEntry::source),
  };
  return kFields;
}

const auto& node_scaling_fields() {
  static const auto kFields = std::tuple{
      Field<NodeScaling, int>{"reference_node_nm", &NodeScaling::reference_node_nm,
                              "node of area_vs_reference 1", "nm", in_range(1, 1000), true},
      source_field(&NodeScaling::source),
  };
  return kFields;
}

const auto& top_fields() {
  static const auto kFields = std::tuple{
      Field<TechTable, std::string>{"tech_table", &TechTable::name, "name of the table", "",
                                    non_empty(), true},
  };
  return kFields;
}

// A mapping section of the table: required.
template <class S, class Fields>
void bind_section(const ConfigNode& parent, std::string_view key, const Fields& fields, S& out,
                  Diag& diag) {
  const ConfigNode node = parent.child(key);
  if (!node.present()) {
    diag.error(parent.loc(), parent.key_path(key), "required key is missing");
    return;
  }
  bind_fields(node, fields, out, diag);
}

// A list section: required and not empty; its entries in strictly ascending `metric` order
// (`order` says what that order is, for the message).
template <class S, class Fields>
void bind_list(const ConfigNode& parent, std::string_view key, const Fields& fields,
               std::vector<S>& out, Diag& diag, const std::function<double(const S&)>& metric,
               std::string_view order) {
  const ConfigNode node = parent.child(key);
  if (!node.present()) {
    diag.error(parent.loc(), parent.key_path(key), "required key is missing");
    return;
  }
  if (!node.is_sequence() || node.elements().empty()) {
    diag.error(node.loc(), node.path(), "expected a non-empty list of entries");
    return;
  }
  for (const ConfigNode& item : node.elements()) {
    S entry;
    const std::size_t before = diag.size();
    bind_fields(item, fields, entry, diag);
    if (diag.size() != before) continue;
    if (!out.empty() && metric(entry) <= metric(out.back())) {
      diag.error(item.loc(), item.path(), fmt::format("entries must be ordered by {}", order));
    }
    out.push_back(entry);
  }
}

int significand_bits(const pe::FloatFormat& f) { return f.man_bits + 1; }

void validate_table(const ConfigNode& root, const TechTable& t, Diag& diag) {
  const NodeScaling& s = t.node_scaling;
  if (!s.nodes.empty() && t.process.node_nm > 0 && !s.find(t.process.node_nm)) {
    const ConfigNode node = root.child("process").child("node_nm");
    diag.error(node.loc(), node.path(),
               fmt::format("node {} nm has no entry in node_scaling.nodes", t.process.node_nm));
  }
  if (const NodeEntry* ref = s.find(s.reference_node_nm);
      !s.nodes.empty() && s.reference_node_nm > 0 && (!ref || ref->area_vs_reference != 1.0)) {
    const ConfigNode node = root.child("node_scaling").child("reference_node_nm");
    diag.error(node.loc(), node.path(),
               "the reference node must be listed with area_vs_reference: 1");
  }
  if (t.dram.energy_pj_min > t.dram.energy_pj_max) {
    const ConfigNode node = root.child("dram").child("energy_pj_min");
    diag.error(node.loc(), node.path(), "must be <= energy_pj_max");
  }
}

}  // namespace

TechTable bind_tech_table(const ConfigDoc& doc) {
  const ConfigNode root = doc.root();
  Diag diag;
  TechTable t;
  t.file = doc.source()->name;
  if (!root.is_map()) {
    diag.error(root.loc(), "", "expected a technology table mapping (`tech_table: NAME`, ...)");
    diag.throw_if_any();
  }
  bind_fields(root, top_fields(), t, diag,
              {"process", "int_add", "int_mul", "fp_add", "fp_mul", "register_bit", "logic",
               "sram_cell", "sram_access", "dram", "node_scaling"});
  bind_section(root, "process", process_fields(), t.process, diag);
  bind_list<IntAddEntry>(
      root, "int_add", int_add_fields(), t.int_add, diag,
      [](const IntAddEntry& e) { return double(e.bits); }, "ascending bits");
  bind_list<IntMulEntry>(
      root, "int_mul", int_mul_fields(), t.int_mul, diag,
      [](const IntMulEntry& e) { return double(e.a_bits) * e.w_bits; },
      "ascending a_bits x w_bits");
  bind_list<FloatOpEntry>(
      root, "fp_add", float_op_fields(), t.fp_add, diag,
      [](const FloatOpEntry& e) { return double(significand_bits(e.format)); },
      "ascending significand bits");
  bind_list<FloatOpEntry>(
      root, "fp_mul", float_op_fields(), t.fp_mul, diag,
      [](const FloatOpEntry& e) { return double(significand_bits(e.format)); },
      "ascending significand bits");
  bind_section(root, "register_bit", cell_fields(), t.register_bit, diag);
  bind_section(root, "logic", cell_fields(), t.logic, diag);
  bind_section(root, "sram_cell", sram_cell_fields(), t.sram_cell, diag);
  bind_list<SramAccessEntry>(
      root, "sram_access", sram_access_fields(), t.sram_access, diag,
      [](const SramAccessEntry& e) { return double(e.capacity_bytes); },
      "ascending capacity_bytes");
  bind_section(root, "dram", dram_fields(), t.dram, diag);
  const ConfigNode scaling = root.child("node_scaling");
  if (!scaling.present()) {
    diag.error(root.loc(), "node_scaling", "required key is missing");
  } else {
    bind_fields(scaling, node_scaling_fields(), t.node_scaling, diag, {"nodes"});
    bind_list<NodeEntry>(
        scaling, "nodes", node_fields(), t.node_scaling.nodes, diag,
        [](const NodeEntry& e) { return -double(e.node_nm); }, "decreasing node_nm");
  }
  validate_table(root, t, diag);
  diag.throw_if_any();
  return t;
}

TechTable load_tech_table(const std::string& path) {
  return bind_tech_table(ConfigDoc::from_file(path));
}

namespace {

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("TPESIM_DATA_DIR"); env && *env) return env;
  return TPESIM_DEFAULT_DATA_DIR;
}

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos ||
         (s.size() > 5 && s.compare(s.size() - 5, 5, ".yaml") == 0);
}

}  // namespace

std::string find_tech_table(const std::string& name_or_path, std::vector<std::string>* searched) {
  const std::filesystem::path file =
      looks_like_path(name_or_path) ? std::filesystem::path(name_or_path)
                                    : data_dir() / "configs" / "tech" / (name_or_path + ".yaml");
  if (searched) searched->push_back(file.string());
  std::error_code ec;
  return std::filesystem::is_regular_file(file, ec) ? file.string() : std::string();
}

std::vector<std::string> known_tech_tables() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(data_dir() / "configs" / "tech", ec)) {
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace tpesim::arch
