// Ids: printing MeshId and InstanceId (as their number, for logs and test messages). It
// must not parse or convert ids; construction is explicit at the call sites.
#include <engine/Ids.h>

#include <ostream>

namespace engine {

std::ostream& operator<<(std::ostream& os, MeshId id) { return os << id.value; }
std::ostream& operator<<(std::ostream& os, InstanceId id) { return os << id.value; }

}  // namespace engine
