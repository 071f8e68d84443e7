// SPDX-License-Identifier: Apache-2.0
// SHA-256 (FIPS 180-4) of bytes and files: the hashes that name synthesis inputs (Verilog files,
// the liberty) in synth.json and in the synthesis cache key, comparable with `sha256sum`.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tpesim::synth {

// Lower-case hex digest (64 characters) of `data`.
std::string sha256_hex(std::string_view data);
// Digest of a file's bytes. Throws UserError when the file cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace tpesim::synth
