// Ids: printing ShipmentId and ShipmentIndex as their number (messages, UI, tests).
#include "twin/ids.h"

#include <ostream>

namespace twin {

std::string to_string(ShipmentId id) { return std::to_string(id.value); }
std::string to_string(ShipmentIndex idx) { return std::to_string(idx.value); }
std::ostream& operator<<(std::ostream& os, ShipmentId id) { return os << id.value; }
std::ostream& operator<<(std::ostream& os, ShipmentIndex idx) { return os << idx.value; }

}  // namespace twin
