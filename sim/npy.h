// SPDX-License-Identifier: Apache-2.0
// NumPy .npy files (format versions 1.0, 2.0 and 3.0): the operand matrices a user hands to
// `tpesim gemm` and the output matrix it writes back. Only C-ordered, little-endian arrays of a
// few numeric dtypes are supported; anything else is rejected with a message naming the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tpesim {

// One array as stored in a .npy file.
struct NpyArray {
  std::string dtype;                // "<f4" "<f8" "|i1" "<i2" "<i4" "<i8" (numpy's descr)
  std::vector<std::int64_t> shape;  // dimensions, C order (row-major); empty for a scalar
  std::vector<std::uint8_t> data;   // element bytes, little-endian, C order
};

// The dtypes read_npy accepts, numpy's spelling ("|i1" for int8).
const std::vector<std::string>& npy_supported_dtypes();
// Bytes per element of a supported dtype; 0 for any other string.
int npy_item_bytes(const std::string& dtype);
// True for the float dtypes ("<f4", "<f8").
bool npy_is_float(const std::string& dtype);
// Product of the shape (1 for a scalar).
std::int64_t npy_element_count(const NpyArray& array);

// Reads and validates a .npy file. Throws UserError ("PATH: error: ...") for a missing file, bad
// magic, an unsupported version, a malformed header dict (it must hold exactly 'descr',
// 'fortran_order' and 'shape'), Fortran order, an unsupported or big-endian dtype, and data
// shorter or longer than the shape says.
NpyArray read_npy(const std::filesystem::path& path);

// The elements as binary64, in C order (int64 values beyond 2^53 are rounded).
std::vector<double> as_doubles(const NpyArray& array);
// The elements of an integer array, in C order. Throws UserError for a float dtype.
std::vector<std::int64_t> as_integers(const NpyArray& array);

// Arrays ready for write_npy, from values in C order (values.size() must match the shape).
NpyArray make_npy(std::vector<std::int64_t> shape, const std::vector<float>& values);         // <f4
NpyArray make_npy(std::vector<std::int64_t> shape, const std::vector<std::int32_t>& values);  // <i4
NpyArray make_npy(std::vector<std::int64_t> shape, const std::vector<std::int64_t>& values);  // <i8

// Writes `array` as numpy's np.save does: format 1.0, the header dict padded with spaces (and
// numpy's spare room for growing the first axis) so that the data starts at a multiple of 64
// bytes, ending in '\n'. Meant for the float32, int32 and int64 2-D arrays make_npy builds; any
// supported dtype and shape is written correctly. Throws UserError if the file cannot be written.
void write_npy(const std::filesystem::path& path, const NpyArray& array);

}  // namespace tpesim
