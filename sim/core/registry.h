// SPDX-License-Identifier: Apache-2.0
// Name -> entry registry for kinds chosen from YAML (`kind: int_mac`). Self-listing.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tpesim {

// Entry must have `std::string name` and `std::string doc`.
template <class Entry>
class Registry {
 public:
  // A duplicate name is a programming error (std::logic_error), never a user error.
  void add(Entry entry) {
    const std::string name = entry.name;
    if (!m_entries.emplace(name, std::move(entry)).second) {
      throw std::logic_error("duplicate registry kind: " + name);
    }
  }
  const Entry* find(const std::string& name) const {
    auto it = m_entries.find(name);
    return it == m_entries.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, entry] : m_entries) out.push_back(name);
    return out;
  }
  const std::map<std::string, Entry>& entries() const { return m_entries; }

 private:
  std::map<std::string, Entry> m_entries;  // sorted by name, so listings are stable
};

}  // namespace tpesim
