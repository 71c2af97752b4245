// meshgen: writes the project's glTF meshes (models/Models.cpp) into a folder,
// by default assets/meshes/. The output is committed; tests check it is up to date.
#include "models/Models.h"

#include <cstdio>
#include <fstream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help") {
    std::fprintf(stderr, "usage: meshgen <output-dir>   (the project keeps them in assets/meshes)\n");
    return argc == 2 ? 0 : 2;
  }
  for (const auto& [name, text] : models::generateAll()) {
    std::string path = std::string(argv[1]) + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) {
      std::fprintf(stderr, "meshgen: cannot write %s\n", path.c_str());
      return 1;
    }
    std::printf("meshgen: wrote %s (%zu bytes)\n", path.c_str(), text.size());
  }
  return 0;
}
