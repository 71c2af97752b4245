// FlatIndex: the hash map behind the core's look-up indexes (SiteState::by_id,
// by_container, by_field_name). Open addressing with linear probing in one power-of-two
// table, so a look-up is a multiply, a shift and usually one cache line, where
// std::unordered_map walks a bucket's nodes with a division per node (issue #16: these
// look-ups were a tenth of `gatebench core`). It offers the part of std::unordered_map's
// interface the core, the control room and the tests use: find, count, at, operator[],
// emplace, erase (by iterator and by key), clear, size, iteration.
// What differs: iteration order is the table's (nothing may depend on it: the state hash
// never iterates an index, retention only re-maps each entry); an insertion that grows
// the table invalidates iterators and references (the core holds none across one);
// erase leaves a tombstone, so erasing while iterating visits every other entry once.
// Each slot's control byte holds 7 more bits of the key's hash, so a probe reads a key
// only when those match.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace twin {

// The hash FlatIndex uses: std::hash, but for strings (the core's keys are 11 to 13
// characters: plates, container numbers) an inline 8-bytes-at-a-time mix instead of
// libstdc++'s out-of-line murmur. Only where a key lands depends on it, never a result.
template <class K>
struct FlatHash : std::hash<K> {};
template <>
struct FlatHash<std::string> {
  size_t operator()(const std::string& s) const noexcept {
    const char* p = s.data();
    size_t n = s.size();
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (static_cast<uint64_t>(n) * 0xC2B2AE3D27D4EB4Full);
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; ++i) w |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    h = (h ^ w) * 0x94D049BB133111EBull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

template <class K, class V, class Hash = FlatHash<K>>
class FlatIndex {
  // A slot's control byte: empty, erased (a tombstone), or full: 0x80 | 7 bits of hash.
  enum : uint8_t { kEmpty = 0, kErased = 1, kFullBit = 0x80 };
  static bool full(uint8_t ctrl) { return (ctrl & kFullBit) != 0; }

 public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<K, V>;

  template <bool Const>
  class Iter {
   public:
    using Owner = std::conditional_t<Const, const FlatIndex, FlatIndex>;
    using reference = std::conditional_t<Const, const value_type&, value_type&>;
    using pointer = std::conditional_t<Const, const value_type*, value_type*>;
    Iter() = default;
    Iter(Owner* owner, size_t i) : owner_(owner), i_(i) { skip(); }
    operator Iter<true>() const requires(!Const) { return Iter<true>(owner_, i_); }  // iterator -> const_iterator
    reference operator*() const { return owner_->slots_[i_]; }
    pointer operator->() const { return &owner_->slots_[i_]; }
    Iter& operator++() { ++i_; skip(); return *this; }
    bool operator==(const Iter& o) const { return i_ == o.i_; }
    size_t slot() const { return i_; }

   private:
    void skip() { while (i_ < owner_->ctrl_.size() && !full(owner_->ctrl_[i_])) ++i_; }
    Owner* owner_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, ctrl_.size()); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, ctrl_.size()); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  iterator find(const K& key) {
    const size_t i = locate(key);
    return i == kMissing ? end() : iterator(this, i);
  }
  const_iterator find(const K& key) const {
    const size_t i = locate(key);
    return i == kMissing ? end() : const_iterator(this, i);
  }
  size_t count(const K& key) const { return locate(key) == kMissing ? 0 : 1; }
  V& at(const K& key) {
    const size_t i = locate(key);
    if (i == kMissing) throw std::out_of_range("FlatIndex::at");
    return slots_[i].second;
  }
  const V& at(const K& key) const {
    const size_t i = locate(key);
    if (i == kMissing) throw std::out_of_range("FlatIndex::at");
    return slots_[i].second;
  }

  // Inserts (key, value) unless key is present; like std::unordered_map::emplace.
  std::pair<iterator, bool> emplace(const K& key, V value) {
    auto [i, added] = insert_slot(key);
    if (added) slots_[i].second = std::move(value);
    return {iterator(this, i), added};
  }
  V& operator[](const K& key) { return slots_[insert_slot(key).first].second; }

  iterator erase(iterator it) {
    const size_t i = it.slot();
    release(i);
    return iterator(this, i + 1);
  }
  size_t erase(const K& key) {
    const size_t i = locate(key);
    if (i == kMissing) return 0;
    release(i);
    return 1;
  }
  void clear() {
    ctrl_.clear();
    slots_.clear();
    size_ = 0;
    erased_ = 0;
  }

 private:
  static constexpr size_t kMissing = SIZE_MAX;

  // Where a key goes: the hash spread by a Fibonacci multiply (ids hash to themselves,
  // and declared and undeclared ids share their low bits); its top bits are the home
  // slot, the 7 bits below them the tag kept in the control byte.
  struct Place {
    size_t home;
    uint8_t ctrl;
  };
  Place place(const K& key) const {
    const uint64_t m = static_cast<uint64_t>(Hash{}(key)) * 0x9E3779B97F4A7C15ull;
    return {static_cast<size_t>(m >> shift_), static_cast<uint8_t>(kFullBit | ((m >> (shift_ - 7)) & 0x7F))};
  }
  size_t locate(const K& key) const {
    if (size_ == 0) return kMissing;
    const size_t mask = ctrl_.size() - 1;
    const Place at = place(key);
    for (size_t i = at.home;; i = (i + 1) & mask) {
      if (ctrl_[i] == kEmpty) return kMissing;
      if (ctrl_[i] == at.ctrl && slots_[i].first == key) return i;
    }
  }
  // The slot holding key, or a new one for it (the value default); true if new.
  std::pair<size_t, bool> insert_slot(const K& key) {
    if (const size_t i = locate(key); i != kMissing) return {i, false};
    // At most 70% of the table in use (entries and tombstones), so probes stay short.
    if ((size_ + erased_ + 1) * 10 > ctrl_.size() * 7) grow();
    const size_t mask = ctrl_.size() - 1;
    const Place at = place(key);
    size_t i = at.home;
    while (full(ctrl_[i])) i = (i + 1) & mask;  // the first empty or erased slot
    if (ctrl_[i] == kErased) --erased_;
    ctrl_[i] = at.ctrl;
    slots_[i] = value_type(key, V{});
    ++size_;
    return {i, true};
  }
  void release(size_t i) {
    ctrl_[i] = kErased;
    slots_[i] = value_type();  // lets go of a long key's memory
    --size_;
    ++erased_;
  }
  // Rebuilds the table: twice as large when half full of entries, else the same size
  // without its tombstones.
  void grow() {
    size_t cap = ctrl_.empty() ? 16 : ctrl_.size();
    while ((size_ + 1) * 2 > cap) cap *= 2;
    std::vector<uint8_t> old_ctrl(cap, kEmpty);
    std::vector<value_type> old_slots(cap);
    old_ctrl.swap(ctrl_);
    old_slots.swap(slots_);
    shift_ = 64;
    for (size_t c = cap; c > 1; c >>= 1) --shift_;
    const size_t mask = cap - 1;
    for (size_t j = 0; j < old_ctrl.size(); ++j) {
      if (!full(old_ctrl[j])) continue;
      const Place at = place(old_slots[j].first);
      size_t i = at.home;
      while (ctrl_[i] != kEmpty) i = (i + 1) & mask;
      ctrl_[i] = at.ctrl;
      slots_[i] = std::move(old_slots[j]);
    }
    erased_ = 0;
  }

  std::vector<uint8_t> ctrl_;       // kEmpty, kErased or full (kFullBit | tag), per slot
  std::vector<value_type> slots_;   // the entries, where ctrl_ is full
  size_t size_ = 0;                 // full slots
  size_t erased_ = 0;               // kErased slots
  int shift_ = 64;                  // 64 - log2(table size)
};

}  // namespace twin
