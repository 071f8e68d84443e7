// SPDX-License-Identifier: Apache-2.0
// The PE kinds a config can choose (`pe: {kind: ...}`), their registry and their operand widths.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pe/bitslice.h"
#include "pe/fp_mac.h"
#include "pe/int_mac.h"
#include "pe/lmul.h"
#include "pe/lut_tc.h"
#include "pe/mixpe.h"
#include "sim/core/bind.h"
#include "sim/core/registry.h"

namespace tpesim::pe {

// One validated PE spec; the alternative says which kind it is.
using PeConfig = std::variant<IntMacSpec, FpMacSpec, LmulSpec, MixpeSpec, LutTcSpec, BitsliceSpec>;

struct PeKindEntry {
  std::string name;                                        // kind string, e.g. "int_mac"
  std::string doc;                                         // one line for list-kinds
  std::function<PeConfig(const ConfigNode&, Diag&)> bind;  // strict binding + validation
  std::function<std::vector<FieldInfo>()> describe;        // parameters with their defaults
};

const Registry<PeKindEntry>& pe_registry();

// The prefix of the RTL-valued kinds an array's `pe:` may name: rtl_<kind> is <kind> with its
// output values computed by <kind>'s verilated RTL (arch/rtl_values.h), its timing unchanged.
inline constexpr std::string_view kRtlKindPrefix = "rtl_";

// Binds a `pe:` mapping: reads `kind`, then the kind's own fields. Errors go to `diag`. With
// `rtl` given, the kind may also be rtl_<kind>, and *rtl says whether it was.
PeConfig bind_pe(const ConfigNode& node, Diag& diag, bool* rtl = nullptr);

std::string pe_kind_name(const PeConfig& pe);
YAML::Node emit_pe(const PeConfig& pe);  // with its `kind`, every field resolved

// Storage widths of the operands and the output, for buffer and DRAM byte counts.
struct OperandBits {
  int a = 8;     // one activation element
  int w = 8;     // one weight element
  int out = 32;  // one output / partial-sum element
};
OperandBits operand_bits(const PeConfig& pe);

// Cycles between two operand pairs a PE can accept (1: fully pipelined; lut_tc: one bit plane
// per cycle).
int initiation_interval(const PeConfig& pe);
// True when a PE step's cycles depend on the operand values (bitslice serial_digit, laconic):
// the arrays then time each step from the operands (docs/TIMING.md).
bool data_dependent(const PeConfig& pe);
// True when that timing, or the activity counts, read the weights too (laconic pairs terms);
// serial_digit's cost and digit counts come from the activations alone.
bool timing_reads_weights(const PeConfig& pe);
// The reduction length the array sees for a GEMM of length k: k, or ceil(k / Kg) LUT groups.
std::int64_t array_k(const PeConfig& pe, std::int64_t k);

enum class OperandSide { A, W };

// How a kind stores a value: a signed integer of `int_bits`, or a bit pattern of `format`.
struct ValueCoding {
  bool is_float = false;       // float: a pattern of `format`; else an integer
  int int_bits = 8;            // width of an integer value
  FloatFormat format = kFp32;  // format of a float value
  bool is_unsigned = false;    // an unsigned integer code (0 .. 2^int_bits - 1)
};
ValueCoding operand_coding(const PeConfig& pe, OperandSide side);
// How the kind writes its outputs (int_mac: acc_bits integers; float kinds: a format's patterns).
ValueCoding output_coding(const PeConfig& pe);
// `count` random operand codes for one side of a GEMM, reproducible from `seed`: integer kinds
// draw uniformly over their range; float kinds draw N(0, 1) values rounded (RNE) to their format.
std::vector<std::int32_t> random_operands(const PeConfig& pe, OperandSide side, std::int64_t count,
                                          std::uint64_t seed);

}  // namespace tpesim::pe
