// twm as a test's window manager. See window_manager.h.
#include "tests/support/window_manager.h"

#include <X11/Xlib.h>

#include <chrono>
#include <fstream>
#include <thread>

bool root_window_is_managed(const std::string& display) {
  Display* dpy = XOpenDisplay(display.c_str());
  if (!dpy) return false;
  // all_event_masks is the union of every client's selection on the root: a window
  // manager is the one client that selects SubstructureRedirect there. Reading it takes
  // nothing from the window manager (selecting it ourselves would race with twm's start).
  XWindowAttributes root{};
  const bool managed = XGetWindowAttributes(dpy, DefaultRootWindow(dpy), &root) &&
                       (root.all_event_masks & SubstructureRedirectMask) != 0;
  XCloseDisplay(dpy);
  return managed;
}

bool WindowManager::start(const std::string& twm, const std::string& display, const std::string& log_dir) {
  why_.clear();
  const std::string rc = log_dir + "/twmrc", log = log_dir + "/twm.log";
  // Every font twm opens is "fixed" (xfonts-base, and built into the X server), in the C
  // locale: twm's default fonts (helvetica, "variable") come from packages a fresh machine
  // lacks, and in a UTF-8 locale it builds font sets over many charsets; either way it
  // exits at once with "unable to open fontset".
  std::ofstream(rc) << "RandomPlacement\nUsePPosition \"on\"\nNoTitle\n"
                    << "TitleFont \"fixed\"\nResizeFont \"fixed\"\nMenuFont \"fixed\"\n"
                    << "IconFont \"fixed\"\nIconManagerFont \"fixed\"\n";
  std::ofstream(log, std::ios::trunc).flush();
  if (!process_.start(twm, {"twm", "-display", display, "-f", rc}, log, {"LC_ALL=C"})) {
    why_ = "twm could not be started (fork failed)";
    return false;
  }
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!process_.alive()) {
      why_ = process_.why_not_running() + " (is xfonts-base installed? tools/setup/packages.txt)";
      return false;
    }
    if (root_window_is_managed(display)) return true;
  }
  why_ = "twm is running but does not manage the root window of " + display + " after 5 s";
  return false;
}
