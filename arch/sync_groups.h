// SPDX-License-Identifier: Apache-2.0
// Lock-step groups of a systolic array's PEs (array.sync). Every dataflow moves operands and
// partial sums rightwards along rows and downwards along columns, so PE (r, c) is fed by
// (r, c - 1) and (r - 1, c). A group starts an element at its base cycle; member (r, c) starts it
// `skew` cycles later, one cycle per hop inside the group. Groups are decoupled by elastic
// buffers: a group depends on the groups that feed it, never on those it feeds.
//
//   sync   | groups        | skew of PE (r, c) | fed by groups
//   array  | 1             | r + c             | none
//   row    | R, row r      | c                 | row r - 1
//   column | C, column c   | r                 | column c - 1
//   pe     | R x C         | 0                 | PEs (r - 1, c) and (r, c - 1)
//
// Group ids are in topological order: every group is fed only by groups with smaller ids.
#pragma once

#include <array>

#include "arch/arch_spec.h"

namespace tpesim::arch {

class SyncGroups {
 public:
  SyncGroups(SyncScope scope, int rows, int cols) : m_scope(scope), m_rows(rows), m_cols(cols) {}

  SyncScope scope() const { return m_scope; }
  int count() const {
    switch (m_scope) {
      case SyncScope::Array:
        return 1;
      case SyncScope::Row:
        return m_rows;
      case SyncScope::Column:
        return m_cols;
      case SyncScope::Pe:
        return m_rows * m_cols;
    }
    return 1;
  }
  int group_of(int r, int c) const {
    switch (m_scope) {
      case SyncScope::Array:
        return 0;
      case SyncScope::Row:
        return r;
      case SyncScope::Column:
        return c;
      case SyncScope::Pe:
        return r * m_cols + c;
    }
    return 0;
  }
  // Cycles after its group's base at which PE (r, c) starts the same element.
  int skew(int r, int c) const {
    switch (m_scope) {
      case SyncScope::Array:
        return r + c;
      case SyncScope::Row:
        return c;
      case SyncScope::Column:
        return r;
      case SyncScope::Pe:
        return 0;
    }
    return 0;
  }
  // The groups feeding group g through elastic buffers (-1: none). A fed PE and the PE feeding it
  // have equal skews, so an element sent at a feeding group's base arrives one cycle later.
  std::array<int, 2> feeders(int g) const {
    switch (m_scope) {
      case SyncScope::Array:
        return {-1, -1};
      case SyncScope::Row:
      case SyncScope::Column:
        return {g > 0 ? g - 1 : -1, -1};
      case SyncScope::Pe: {
        const int r = g / m_cols, c = g % m_cols;
        return {r > 0 ? g - m_cols : -1, c > 0 ? g - 1 : -1};
      }
    }
    return {-1, -1};
  }

 private:
  SyncScope m_scope;  // which PEs step together
  int m_rows = 1;     // R
  int m_cols = 1;     // C
};

}  // namespace tpesim::arch
