// A tornado chart as PNG: one panel per measure, one horizontal bar per assumption,
// from its low-end result to its high-end result either side of the baseline line,
// labelled with the assumption's values and the results. Drawing only (PlotImage); it
// knows nothing of how the figures were made.
#pragma once
#include "connectors/result.h"

#include <string>
#include <vector>

namespace sessions {

struct TornadoBar {
  std::string label;                 // the assumption
  std::string low_value, high_value; // the assumption's two ends ("120 s", "180 s")
  double low = 0, high = 0;          // the measure at each end
};

struct TornadoPanel {
  std::string title;                 // "vehicles cleared a day"
  std::string unit;                  // "/day", " min"
  double baseline = 0;
  std::vector<TornadoBar> bars;      // drawn top to bottom as given
};

// Writes the panels side by side under a title.
connectors::Status save_tornado_png(const std::string& path, const std::string& title, const std::vector<TornadoPanel>& panels);

}  // namespace sessions
