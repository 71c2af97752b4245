// The non-template part of BoundedOutbox (bounded_outbox.h): giving a drained backlog's
// memory back. It must stay free of anything that knows about MQTT or the items.
#include "connectors/mqtt/bounded_outbox.h"

#include <malloc.h>  // malloc_trim (glibc)

namespace connectors {

void give_memory_back() { malloc_trim(0); }

}  // namespace connectors
